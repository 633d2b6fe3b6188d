"""The permission matrix: every URL pattern of the project (web, JSON API, admin, accounts) for every role,
against one object of each kind (tests/web/matrix_world.py), with the exact outcome expected.

Roles (columns): anonymous; the chief executive and the liaison of agency A (whose objects these are) and of
agency B; provider staff of provider A (assigned to A's sites) and of provider B (assigned to none); SME A (on
the team of every site of A); program staff; the administrator. Web pages are opened with the role's session,
API operations with the role's personal token (anonymous: none).

Outcomes (cells): a status code (`200`, `403`, `404`, `405`, `422`, ...); `302` a redirect elsewhere than the
log-in page; `login` a redirect to the log-in page (the site's, or the admin's); `200:N` a JSON list of N
items (the API's lists, so a list that shows too much fails too); a trailing `*` when the request wrote the
audit log, i.e. changed something; `in` (allauth's pages, coarse) anything but a log-in redirect or an error.
POSTs carry an empty body: a role that may not act gets 403/404/`login` (or a refusal without `*`), a role
that may act a form re-render or a redirect, never a 500.

The status pages of a request answer only the browser that submitted it or looked it up with its e-mail address
(variant `proven`); any other browser gets 404, whoever is signed in.

Every request runs in a savepoint that is rolled back, so the cells do not depend on each other.

Admin: its pattern list is walked against one model (agencies.Agency; the user model for the password page):
every other model's admin pages have the same shape and guard. allauth's /accounts/ pages are walked as they
are, coarsely: the log-in, sign-up and password-reset pages are public, the others need a session.

Size: 190 routes (URL pattern names, the admin's per-model pages counted once per kind of page; 220
entries with the object variants, 293 rows with the methods) x 10 roles = 2930 cells, against 26 kinds of
object in the world.
"""

import copy
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from continuum.audit.models import AuditEvent
from continuum.intake import views as intake_views
from tests.web import matrix_world

ROLES = ["anonymous", "executive_a", "liaison_a", "executive_b", "liaison_b", "provider_a", "provider_b",
         "sme_a", "staff", "admin"]  # fmt: skip

# Admin routes of every model share one shape; the walk uses one model for them.
ADMIN_MODEL = "agencies_agency"
ADMIN_KIND = re.compile(r"^admin:[a-z0-9_]+_[a-z0-9]+_(changelist|add|history|delete|change)$")
API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}  # not operations: no token

# route (URL pattern name) | variant (which object of the kind; - for none) | verb | one outcome per role, in the
# order of ROLES: anonymous, executive_a, liaison_a, executive_b, liaison_b, provider_a, provider_b, sme_a, staff, admin
MATRIX = """
# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
portal:home                          -         GET  200   200   200   200   200   200   200   200   200   200
portal:healthz                       -         GET  200   200   200   200   200   200   200   200   200   200
portal:workspace                     -         GET  login 200   200   200   200   200   200   200   200   200
portal:nav_count                     -         GET  login 200   200   200   200   200   200   200   200   200
portal:programs                      -         GET  200   200   200   200   200   200   200   200   200   200
portal:program                       -         GET  200   200   200   200   200   200   200   200   200   200
portal:faq                           -         GET  200   200   200   200   200   200   200   200   200   200
portal:contact                       -         GET  200   200   200   200   200   200   200   200   200   200
portal:feed                          -         GET  200   200   200   200   200   200   200   200   200   200

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
methods:index                        -         GET  200   200   200   200   200   200   200   200   200   200
methods:detail                       -         GET  200   200   200   200   200   200   200   200   200   200
methods:detail                       unknown   GET  404   404   404   404   404   404   404   404   404   404

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
notifications:list                   -         GET  login 200   200   200   200   200   200   200   200   200
notifications:open                   -         GET  login 302   404   404   404   404   404   404   404   404
notifications:mark_read              -         GET  login 405   405   405   405   405   405   405   405   405
notifications:mark_read              -         POST login 302   302   302   302   302   302   302   302   302
notifications:email_choice           -         GET  login 405   405   405   405   405   405   405   405   405
notifications:email_choice           -         POST login 302   302   302   302   302   302   302   302   302
notifications:attention              -         GET  login 200   200   200   200   200   200   200   200   200
notifications:deadlines              -         GET  login 200   200   200   200   200   200   200   200   200
notifications:issue_feed             -         GET  login 405   405   405   405   405   405   405   405   405
notifications:issue_feed             -         POST login 200*  200*  200*  200*  200*  200*  200*  200*  200*
notifications:revoke_feed            -         GET  login 405   405   405   405   405   405   405   405   405
notifications:revoke_feed            -         POST login 302*  302   302   302   302   302   302   302   302
notifications:feed                   -         GET  200   200   200   200   200   200   200   200   200   200
notifications:feed                   bad       GET  404   404   404   404   404   404   404   404   404   404

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
intake:form                          -         GET  200   200   200   200   200   200   200   200   200   200
intake:form                          -         POST 422   422   422   422   422   422   422   422   422   422
intake:submitted                     -         GET  404   404   404   404   404   404   404   404   404   404
intake:submitted                     proven    GET  200   200   200   200   200   200   200   200   200   200
intake:status_lookup                 -         GET  200   200   200   200   200   200   200   200   200   200
intake:status_lookup                 -         POST 200   200   200   200   200   200   200   200   200   200
intake:status                        -         GET  404   404   404   404   404   404   404   404   404   404
intake:status                        proven    GET  200   200   200   200   200   200   200   200   200   200
intake:status_withdraw               -         GET  405   405   405   405   405   405   405   405   405   405
intake:status_withdraw               -         POST 404   404   404   404   404   404   404   404   404   404
intake:status_withdraw               proven    POST 422   422   422   422   422   422   422   422   422   422
intake:queue                         -         GET  login 200   200   200   200   200   200   200   200   200
search:search                        -         GET  login 200   200   200   200   200   200   200   200   200
dictionary:page                      -         GET  login 200   200   200   200   200   200   200   200   200
intake:queue_export                  -         GET  login 200   200   200   200   200   200   200   200   200
intake:assign                        -         GET  login 405   405   405   405   405   405   405   405   405
intake:assign                        -         POST login 403   403   403   403   403   403   403   302   302
intake:detail                        open      GET  login 200   200   404   404   404   404   404   200   200
intake:detail                        accepted  GET  login 200   200   404   404   200   404   200   200   200
intake:add_contact                   -         GET  login 405   405   405   405   405   405   405   405   405
intake:add_contact                   -         POST login 403   403   404   404   404   404   404   422   422
intake:add_note                      -         GET  login 405   405   405   405   405   405   405   405   405
intake:add_note                      -         POST login 403   403   404   404   404   404   404   422   422
intake:triage                        -         GET  login 405   405   405   405   405   405   405   405   405
intake:triage                        -         POST login 403   403   404   404   404   404   404   422   422
intake:clear_flag                    -         GET  login 405   405   405   405   405   405   405   405   405
intake:clear_flag                    -         POST login 403   403   404   404   404   404   404   302   302
intake:decide                        -         GET  login 405   405   405   405   405   405   405   405   405
intake:decide                        -         POST login 422   422   404   404   404   404   404   422   422
intake:letter                        -         GET  login 200   200   404   404   404   404   404   200   200
intake:attach_letter                 -         GET  login 302   302   404   404   404   404   404   302   302
intake:attach_letter                 -         POST login 422   422   404   404   404   404   404   422   422
intake:authorization                 -         GET  login 405   405   405   405   405   405   405   405   405
intake:authorization                 -         POST login 422   403   404   404   404   404   404   403   403
intake:status_letter                 -         GET  302   302   302   302   302   302   302   302   302   302
intake:status_letter                 -         POST 404   404   404   404   404   404   404   404   404   404
intake:status_letter                 proven    POST 422   422   422   422   422   422   422   422   422   422

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
agencies:list                        -         GET  login 403   403   403   403   403   403   403   200   200
agencies:detail                      -         GET  login 200   200   404   404   404   404   404   200   200
agencies:edit                        -         GET  login 200   403   404   404   404   404   404   200   200
agencies:edit                        -         POST login 200   403   404   404   404   404   404   200   200

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
invitations:list                     -         GET  login 200   403   404   404   404   404   404   200   200
invitations:list                     -         POST login 422   403   404   404   404   404   404   422   422
invitations:remove_member            -         GET  login 405   405   405   405   405   405   405   405   405
invitations:remove_member            -         POST login 302*  403   404   404   404   404   404   403   302*
invitations:resend                   -         GET  login 405   405   405   405   405   405   405   405   405
invitations:resend                   -         POST login 302*  403   404   404   404   404   404   302*  302*
invitations:revoke                   -         GET  login 405   405   405   405   405   405   405   405   405
invitations:revoke                   -         POST login 302*  403   404   404   404   404   404   302*  302*
invitations:accept                   -         GET  200   200   200   200   200   200   200   200   200   200
invitations:accept                   -         POST 422   422   422   422   422   422   422   422   422   422
invitations:accept                   bad       GET  404   404   404   404   404   404   404   404   404   404

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
public_sites:active                  -         GET  200   200   200   200   200   200   200   200   200   200
public_sites:closed                  -         GET  200   200   200   200   200   200   200   200   200   200
public_sites:detail                  public    GET  200   200   200   200   200   200   200   200   200   200
public_sites:detail                  unlisted  GET  404   404   404   404   404   404   404   404   404   404
public_progress:progress             published GET  200   200   200   200   200   200   200   200   200   200
public_progress:progress             draft     GET  404   404   404   404   404   404   404   404   404   404

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
sites:list                           -         GET  login 200   200   200   200   200   200   200   200   200
sites:detail                         -         GET  login 200   200   404   404   200   404   200   200   200
sites:edit                           -         GET  login 403   403   404   404   403   404   403   200   200
sites:edit                           -         POST login 403   403   404   404   403   404   403   200   200
sites:member_add                     -         GET  login 405   405   405   405   405   405   405   405   405
sites:member_add                     -         POST login 403   403   404   404   403   404   403   302   302
sites:member_remove                  -         GET  login 405   405   405   405   405   405   405   405   405
sites:member_remove                  -         POST login 403   403   404   404   403   404   403   302*  302*
sites:transition                     -         GET  login 405   405   405   405   405   405   405   405   405
sites:transition                     -         POST login 403   403   404   404   403   404   403   302   302

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
workplans:current                    -         GET  login 200   200   404   404   200   404   200   200   200
workplans:compare                    -         GET  login 404   404   404   404   200   404   200   200   200
workplans:start_draft                -         GET  login 405   405   405   405   405   405   405   405   405
workplans:start_draft                -         POST login 403   403   404   404   302   404   403   302   302
workplans:add_item                   -         GET  login 405   405   405   405   405   405   405   405   405
workplans:add_item                   -         POST login 403   403   404   404   422   404   403   422   422
workplans:remove_item                -         GET  login 405   405   405   405   405   405   405   405   405
workplans:remove_item                -         POST login 403   403   404   404   302*  404   403   302*  302*
workplans:version                    approved  GET  login 200   200   404   404   200   404   200   200   200
workplans:version                    draft     GET  login 404   404   404   404   200   404   200   200   200
workplans:comment                    -         GET  login 405   405   405   405   405   405   405   405   405
workplans:comment                    -         POST login 422   422   404   404   422   404   422   422   422
workplans:decide                     -         GET  login 405   405   405   405   405   405   405   405   405
workplans:decide                     -         POST login 404   404   404   404   302*  404   403   302*  302*

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
assessment:matrix                    -         GET  login 200   200   404   404   200   404   200   200   200
assessment:import                    -         GET  login 405   405   405   405   405   405   405   405   405
assessment:import                    -         POST login 403   403   404   404   302   404   403   302   302
assessment:export                    -         GET  login 200   200   404   404   200   404   200   200   200
assessment:item                      -         GET  login 200   200   404   404   200   404   200   200   200
assessment:propose                   -         GET  login 405   405   405   405   405   405   405   405   405
assessment:propose                   -         POST login 422   422   404   404   403   404   403   403   403
assessment:plan                      -         GET  login 405   405   405   405   405   405   405   405   405
assessment:plan                      -         POST login 403   403   404   404   302*  404   403   302*  302*
assessment:document                  -         GET  login 200   200   404   404   200   404   200   200   200
assessment:verify                    -         GET  login 405   405   405   405   405   405   405   405   405
assessment:verify                    -         POST login 403   403   404   404   302*  404   302*  302*  302*
assessment:progress_draft            -         GET  login 405   405   405   405   405   405   405   405   405
assessment:progress_draft            -         POST login 403   403   404   404   302   404   403   302   302
assessment:progress                  published GET  login 200   200   404   404   200   404   200   200   200
assessment:progress                  draft     GET  login 200   200   404   404   200   404   200   200   200
assessment:progress_publish          -         GET  login 405   405   405   405   405   405   405   405   405
assessment:progress_publish          -         POST login 403   403   404   404   403   404   403   302*  302*

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
delivery:communications              -         GET  login 200   200   404   404   200   404   200   200   200
delivery:communications              -         POST login 403   403   404   404   422   404   422   422   422
delivery:activities                  -         GET  login 200   200   404   404   200   404   200   200   200
delivery:activities                  -         POST login 403   403   404   404   422   404   422   422   422
delivery:documents                   -         GET  login 200   200   404   404   200   404   200   200   200
delivery:documents                   -         POST login 422   422   404   404   422   404   422   422   422
delivery:document                    shared    GET  login 200   200   404   404   200   404   200   200   200
delivery:document                    shared    POST login 422   422   404   404   422   404   422   422   422
delivery:document                    internal  GET  login 404   404   404   404   200   404   200   200   200
delivery:document                    internal  POST login 404   404   404   404   422   404   422   422   422
delivery:download                    shared    GET  login 200   200   404   404   200   404   200   200   200
delivery:download                    internal  GET  login 404   404   404   404   200   404   200   200   200
delivery:milestones                  -         GET  login 200   200   404   404   200   404   200   200   200
delivery:milestone_done              -         GET  login 405   405   405   405   405   405   405   405   405
delivery:milestone_done              -         POST login 403   403   404   404   422   404   403   422   422

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
public_reports:list                  -         GET  200   200   200   200   200   200   200   200   200   200
public_reports:library               -         GET  200   200   200   200   200   200   200   200   200   200
public_reports:library_csv           -         GET  200   200   200   200   200   200   200   200   200   200
public_reports:detail                published GET  200   200   200   200   200   200   200   200   200   200
public_reports:detail                review    GET  404   404   404   404   404   404   404   404   404   404
public_reports:detail                draft     GET  404   404   404   404   404   404   404   404   404   404
public_reports:download              published GET  200   200   200   200   200   200   200   200   200   200
public_reports:download              review    GET  404   404   404   404   404   404   404   404   404   404
public_reports:download              draft     GET  404   404   404   404   404   404   404   404   404   404

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
reports:site_reports                 -         GET  login 200   200   404   404   200   404   200   200   200
reports:site_reports                 -         POST login 403   403   404   404   200   404   403   200   200
reports:detail                       published GET  login 200   200   404   404   200   404   200   200   200
reports:detail                       review    GET  login 200   200   404   404   200   404   200   200   200
reports:detail                       draft     GET  login 404   404   404   404   200   404   200   200   200
reports:sections                     review    GET  login 405   405   405   405   405   405   405   405   405
reports:sections                     review    POST login 403   403   404   404   422   404   403   422   422
reports:sections                     draft     GET  login 405   405   405   405   405   405   405   405   405
reports:sections                     draft     POST login 404   404   404   404   422   404   403   422   422
reports:add_part                     draft     GET  login 405   405   405   405   405   405   405   405   405
reports:add_part                     draft     POST login 404   404   404   404   422   404   403   422   422
reports:edit_part                    -         GET  login 405   405   405   405   405   405   405   405   405
reports:edit_part                    -         POST login 404   404   404   404   422   404   403   422   422
reports:remove_part                  -         GET  login 405   405   405   405   405   405   405   405   405
reports:remove_part                  -         POST login 404   404   404   404   302*  404   403   302*  302*
reports:move_part                    -         GET  login 405   405   405   405   405   405   405   405   405
reports:move_part                    -         POST login 404   404   404   404   302   404   403   302   302
reports:embed                        draft     GET  login 405   405   405   405   405   405   405   405   405
reports:embed                        draft     POST login 404   404   404   404   422   404   403   422   422
reports:figure                       draft     GET  login 405   405   405   405   405   405   405   405   405
reports:figure                       draft     POST login 404   404   404   404   422   404   403   422   422
reports:import_timeline              draft     GET  login 405   405   405   405   405   405   405   405   405
reports:import_timeline              draft     POST login 404   404   404   404   422   404   403   422   422
reports:comment                      review    GET  login 405   405   405   405   405   405   405   405   405
reports:comment                      review    POST login 422   422   404   404   422   404   422   422   422
reports:comment                      draft     GET  login 405   405   405   405   405   405   405   405   405
reports:comment                      draft     POST login 404   404   404   404   422   404   422   422   422
reports:reply                        review    GET  login 405   405   405   405   405   405   405   405   405
reports:reply                        review    POST login 302   302   404   404   302   404   302   302   302
reports:step                         review    GET  login 405   405   405   405   405   405   405   405   405
reports:step                         review    POST login 403   403   404   404   403   404   403   302   302
reports:correction                   published GET  login 405   405   405   405   405   405   405   405   405
reports:correction                   published POST login 403   403   404   404   302   404   403   302   302
reports:download                     published GET  login 200   200   404   404   200   404   200   200   200
reports:download                     review    GET  login 200   200   404   404   200   404   200   200   200
reports:download                     draft     GET  login 404   404   404   404   200   404   200   200   200

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
datasets:home                        -         GET  login 200   200   404   404   200   404   200   200   200
datasets:home                        -         POST login 403   403   404   404   422   404   422   422   422
datasets:request                     -         GET  login 200   200   404   404   200   404   200   200   200
datasets:request                     -         POST login 422   422   404   404   422   404   422   422   422
datasets:request_problem             -         GET  login 405   405   405   405   405   405   405   405   405
datasets:request_problem             -         POST login 403   403   404   404   302   404   302   302   302
datasets:version                     -         GET  login 200   200   404   404   200   404   200   200   200
datasets:version                     -         POST login 422   422   404   404   422   404   422   422   422
datasets:mapping                     -         GET  login 200   200   404   404   200   404   200   200   200
datasets:mapping                     -         POST login 200   200   404   404   200   404   200   200   200
datasets:accept                      -         GET  login 405   405   405   405   405   405   405   405   405
datasets:accept                      -         POST login 403   403   404   404   302*  404   302*  302*  302*
datasets:run                         -         GET  login 405   405   405   405   405   405   405   405   405
datasets:run                         -         POST login 403   403   404   404   422   404   422   422   422
datasets:download                    raw       GET  login 200   200   404   404   200   404   200   200   200
datasets:download                    standard  GET  login 403   403   404   404   200   404   200   200   200
datasets:job                         -         GET  login 200   200   404   404   200   404   200   200   200
datasets:retry                       -         GET  login 405   405   405   405   405   405   405   405   405
datasets:retry                       -         POST login 403   403   404   404   302   404   302   302   302
datasets:result                      -         GET  login 200   200   404   404   200   404   200   200   200
datasets:mark                        -         GET  login 405   405   405   405   405   405   405   405   405
datasets:mark                        -         POST login 403   403   404   404   302*  404   403   302*  302*

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
critac:catalog                       -         GET  200   200   200   200   200   200   200   200   200   200
critac:engagements                   -         GET  login 200   200   200   200   200   200   200   200   200
critac:route                         -         GET  login 403   403   403   403   403   403   403   405   405
critac:route                         -         POST login 403   403   403   403   403   403   403   302   302
critac:deliveries                    -         GET  login 200   200   404   404   200   404   200   200   200
critac:deliveries                    -         POST login 403   403   404   404   422   404   403   422   422

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
feedback:respond                     -         GET  200   200   200   200   200   200   200   200   200   200
feedback:respond                     -         POST 422   422   422   422   422   422   422   422   422   422
feedback:site                        -         GET  login 403   403   404   404   200   404   200   200   200
feedback:site                        -         POST login 403   403   404   404   403   404   403   422   422

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
metrics:dashboard                    -         GET  login 403   403   403   403   403   403   403   200   200
metrics:export                       -         GET  login 403   403   403   403   403   403   403   200   200

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
api:openapi-json                     -         GET  200   200   200   200   200   200   200   200   200   200
api:openapi-view                     -         GET  login 200   200   200   200   200   200   200   200   200
api:public_sites                     -         GET  200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1
api:public_site                      public    GET  200   200   200   200   200   200   200   200   200   200
api:public_site                      unlisted  GET  404   404   404   404   404   404   404   404   404   404
api:public_reports                   -         GET  200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1
api:public_report                    published GET  200   200   200   200   200   200   200   200   200   200
api:public_report                    review    GET  404   404   404   404   404   404   404   404   404   404
api:public_progress_reports          -         GET  200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1 200:1
api:requests                         -         GET  401   200:2 200:2 200:0 200:0 200:1 200:0 200:1 200:2 200:2
api:submit_request                   -         POST 401   422   422   422   422   422   422   422   422   422
api:request_detail                   open      GET  401   200   200   404   404   404   404   404   200   200
api:request_detail                   accepted  GET  401   200   200   404   404   200   404   200   200   200
api:sites                            -         GET  401   200:3 200:3 200:0 200:0 200:3 200:0 200:3 200:3 200:3
api:site_detail                      -         GET  401   200   200   404   404   200   404   200   200   200
api:work_plans                       -         GET  401   200:1 200:1 404   404   200:2 404   200:2 200:2 200:2
api:add_communication                -         POST 401   422   422   422   422   422   422   422   422   422
api:upload_dataset                   -         POST 401   422   422   404   404   422   404   422   422   422
api:data_requests                    -         GET  401   200:1 200:1 404   404   200:1 404   200:1 200:1 200:1
api:results                          -         GET  401   200:1 200:1 404   404   200:1 404   200:1 200:1 200:1
api:result_detail                    -         GET  401   200   200   404   404   200   404   200   200   200
api:reports                          -         GET  401   200:2 200:2 200:1 200:1 200:3 200:1 200:3 200:3 200:3
api:report_detail                    published GET  401   200   200   200   200   200   200   200   200   200
api:report_detail                    review    GET  401   200   200   404   404   200   404   200   200   200
api:report_detail                    draft     GET  401   404   404   404   404   200   404   200   200   200
api:api-root                         -         GET  404   404   404   404   404   404   404   404   404   404

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
api_tokens:list                      -         GET  login 200   200   200   200   200   200   200   200   200
# issuing a token redirects to allauth's re-authentication page first (the issue is resumed after it)
api_tokens:list                      -         POST login 302   302   302   302   302   302   302   302   302
api_tokens:revoke                    -         GET  login 405   405   405   405   405   405   405   405   405
api_tokens:revoke                    -         POST login 302*  404   404   404   404   404   404   404   404

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
audit:history                        -         GET  login 403   403   403   403   403   403   403   200   200

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
account_login                        -         GET  200   in    in    in    in    in    in    in    in    in
account_logout                       -         GET  302   in    in    in    in    in    in    in    in    in
account_inactive                     -         GET  200   in    in    in    in    in    in    in    in    in
account_signup                       -         GET  200   in    in    in    in    in    in    in    in    in
account_reauthenticate               -         GET  login in    in    in    in    in    in    in    in    in
account_email                        -         GET  login in    in    in    in    in    in    in    in    in
account_email_verification_sent      -         GET  200   in    in    in    in    in    in    in    in    in
account_change_password              -         GET  login in    in    in    in    in    in    in    in    in
account_set_password                 -         GET  login in    in    in    in    in    in    in    in    in
account_reset_password               -         GET  200   in    in    in    in    in    in    in    in    in
account_confirm_login_code           -         GET  login in    in    in    in    in    in    in    in    in
account_request_reauthentication_code -        GET  login in    in    in    in    in    in    in    in    in
account_confirm_reauthentication_code -        GET  login in    in    in    in    in    in    in    in    in
account_confirm_email                -         GET  200   in    in    in    in    in    in    in    in    in
account_reset_password_from_key_done -         GET  200   in    in    in    in    in    in    in    in    in
account_reset_password_from_key      -         GET  200   in    in    in    in    in    in    in    in    in
account_reset_password_done          -         GET  200   in    in    in    in    in    in    in    in    in

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
mfa_index                            -         GET  login in    in    in    in    in    in    in    in    in
mfa_authenticate                     -         GET  login in    in    in    in    in    in    in    in    in
mfa_reauthenticate                   -         GET  login in    in    in    in    in    in    in    in    in
mfa_activate_totp                    -         GET  login in    in    in    in    in    in    in    in    in
mfa_deactivate_totp                  -         GET  login in    in    in    in    in    in    in    in    in
mfa_view_recovery_codes              -         GET  login in    in    in    in    in    in    in    in    in
mfa_generate_recovery_codes          -         GET  login in    in    in    in    in    in    in    in    in
mfa_download_recovery_codes          -         GET  login in    in    in    in    in    in    in    in    in

# route                              variant   verb anon  exA   liA   exB   liB   prA   prB   smeA  staff admin
admin:index                          -         GET  login login login login login login login login login 200
admin:login                          -         GET  login 403   403   403   403   403   403   403   403   302
admin:logout                         -         GET  302   302   302   302   302   302   302   302   302   405
admin:*_change                       -         GET  login login login login login login login login login 200
admin:*_password                     -         GET  login login login login login login login login login 200
admin:password_change                -         GET  login login login login login login login login login 200
admin:password_change_done           -         GET  login login login login login login login login login 200
admin:autocomplete                   -         GET  login login login login login login login login login 403
admin:jsi18n                         -         GET  login login login login login login login login login 200
admin:view_on_site                   -         GET  login login login login login login login login login 404
admin:*_changelist                   -         GET  login login login login login login login login login 200
admin:*_add                          -         GET  login login login login login login login login login 200
admin:*_history                      -         GET  login login login login login login login login login 200
admin:*_delete                       -         GET  login login login login login login login login login 200
admin:*_object                       -         GET  login login login login login login login login login 302
admin:app_list                       -         GET  login login login login login login login login login 200
admin:catch_all                      -         GET  login login login login login login login login login 404
"""


def _parse(text: str) -> list[tuple[str, str, str, dict[str, str]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        route, variant, method, *cells = line.split()
        assert len(cells) == len(ROLES), f"matrix line {number} has {len(cells)} cells, not {len(ROLES)}"
        rows.append((route, "" if variant == "-" else variant, method, dict(zip(ROLES, cells, strict=True))))
    return rows


ROWS = _parse(MATRIX)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def entry_key(route: str, name: str | None) -> str:
    """The matrix entry that covers a URL pattern: its name; for the admin, the model's kind of page."""
    if name == "admin:auth_user_password_change":
        return "admin:*_password"
    if name and (kind := ADMIN_KIND.match(name)):
        return f"admin:*_{kind.group(1)}"
    if route.startswith("admin/") and name is None:
        return "admin:*_object" if "<path:object_id>" in route else "admin:catch_all"
    return name or route


def project_keys() -> set[str]:
    return {entry_key(route, name) for route, name in _walk(get_resolver().url_patterns)}


def _url(world, route: str, variant: str) -> str:
    kwargs = matrix_world.url_kwargs(world, route, variant)
    if route == "admin:catch_all":
        return "/admin/no-such-page/"
    if route.startswith("admin:*_"):
        kind = route.removeprefix("admin:*_")
        if kind == "object":
            return reverse(f"admin:{ADMIN_MODEL}_change", kwargs={"object_id": world.agency.pk}).removesuffix(
                "change/"
            )
        name = "admin:auth_user_password_change" if kind == "password" else f"admin:{ADMIN_MODEL}_{kind}"
        return reverse(name, kwargs=kwargs)
    url = reverse(route, kwargs=kwargs)
    if route == "workplans:compare":
        url += "?old=1&new=2"
    return url


LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def outcome(response, api: bool) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        return "login" if urlsplit(response["Location"]).path in LOGIN_PATHS else "302"
    if api and code == 200 and response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and "items" in body and "count" in body:
            return f"200:{body['count']}"
        if isinstance(body, list):
            return f"200:{len(body)}"
    return str(code)


def prove(client: Client, tracking_number: str) -> None:
    """This browser submitted the request, or looked it up with its e-mail address (what the status pages ask)."""
    session = client.session
    session[intake_views.SUBMITTED_KEY] = session[intake_views.STATUS_KEY] = [tracking_number]
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def observe(client: Client, method: str, url: str, proven: str = "", **headers) -> str:
    """One request in a savepoint rolled back afterwards; the client's cookies are put back too (a log-out
    must not sign the next request out)."""
    cookies = copy.deepcopy(client.cookies)
    cache.clear()
    with transaction.atomic():
        if proven:
            prove(client, proven)
        before = AuditEvent.objects.count()
        try:
            response = client.generic(method, url, headers=headers)
            seen = outcome(response, api=url.startswith("/api/"))
        except (
            Exception
        ) as error:  # a crash is an outcome too: reported with its cause, not stopping the walk
            seen = f"raised:{type(error).__name__}"
        if AuditEvent.objects.count() != before:
            seen += "*"
        transaction.set_rollback(True)
    client.cookies = cookies
    return seen


def agrees(expected: str, observed: str) -> bool:
    """`in` (the coarse cell of allauth's pages): signed in and served, whatever the page answers."""
    if expected == "in":
        return observed != "login" and not observed.startswith(("5", "raised"))
    return expected == observed


def walk(world, role: str, client: Client, api_client: Client) -> list[tuple[str, str, str, str, str]]:
    """(route, variant, method, expected, observed) for every row of the matrix, for one role."""
    token = world.tokens.get(role)
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    seen = []
    for route, variant, method, cells in ROWS:
        url = _url(world, route, variant)
        if route.startswith("api:") and route not in API_PAGES:
            observed = observe(api_client, method, url, **auth)
        else:
            proven = world.open_request.tracking_number if variant == "proven" else ""
            observed = observe(client, method, url, proven)
        seen.append((route, variant, method, cells[role], observed))
    return seen


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(users, orgs):
    return matrix_world.build(users, orgs)


def test_every_url_pattern_has_an_entry_and_every_entry_a_url_pattern():
    project, listed = project_keys(), {route for route, *_ in ROWS}
    missing, stale = sorted(project - listed), sorted(listed - project)
    assert not missing, "URL patterns without a matrix entry (add a row per method):\n  " + "\n  ".join(
        missing
    )
    assert not stale, "matrix entries whose URL pattern no longer exists:\n  " + "\n  ".join(stale)


def test_matrix_rows_are_unique():
    keys = [(route, variant, method) for route, variant, method, _ in ROWS]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"rows listed twice: {duplicates}"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, world, users, client, login):
    if role != "anonymous":
        login(users[role])
    client.raise_request_exception = True
    mismatches = [
        (route, variant, method, expected, observed)
        for route, variant, method, expected, observed in walk(world, role, client, Client())
        if not agrees(expected, observed)
    ]
    width = max((len(f"{r} [{v}]") for r, v, *_ in mismatches), default=0)
    lines = [
        f"  {f'{r} [{v}]' if v else r:<{width}} {m:<6} {role}: expected {e:<8} observed {o}"
        for r, v, m, e, o in mismatches
    ]
    assert not mismatches, f"{len(mismatches)} cell(s) differ for {role}:\n" + "\n".join(lines)


def matrix_size() -> dict[str, int]:
    entries = {(route, variant) for route, variant, *_ in ROWS}
    return {
        "routes": len({route for route, *_ in ROWS}), "entries": len(entries), "rows": len(ROWS),
        "roles": len(ROLES), "cells": len(ROWS) * len(ROLES),
    }  # fmt: skip


def test_the_docstring_states_the_matrix_size(world):
    size = matrix_size()
    stated = re.search(
        r"Size: (\d+) routes .*?; (\d+)\s+entries .*? (\d+) rows .*?= (\d+) cells, against (\d+)",
        __doc__,
        re.S,
    )
    kinds = sorted(world.kinds())
    assert [int(n) for n in stated.groups()] == [
        size["routes"],
        size["entries"],
        size["rows"],
        size["cells"],
        len(kinds),
    ], (size, kinds)
