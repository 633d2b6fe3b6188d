"""Activities done: logged by the team, optionally against an activity of the approved plan, audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from continuum.audit.log import history
from continuum.delivery.models import ActivityDone
from continuum.delivery.work import DeliveryError, log_activity
from continuum.workplans.models import Activity

from .conftest import today


def _form(**changes):
    data = {
        "activity-plan_activity": "", "activity-title": "Interviews with the training academy",
        "activity-done_on": (today() - datetime.timedelta(days=3)).isoformat(),
        "activity-participants": "Academy commander; two SMEs", "activity-notes": "Six interviews.",
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["staff", "provider_a", "sme_a"])
def test_the_team_logs_an_activity(client, users, login, site, who):
    site.members.create(user=users["sme_a"], role="sme")
    login(users[who])
    assert client.post(f"/workspace/sites/{site.pk}/activities/", _form()).status_code == 302
    done = ActivityDone.objects.get()
    assert (done.site, done.logged_by, done.plan_activity) == (site, users[who], None)
    assert history(done).filter(action="created").exists()
    assert history(site).filter(changes__has_key="activity done").exists()
    page = client.get(f"/workspace/sites/{site.pk}/activities/").content.decode()
    assert "Interviews with the training academy" in page


def test_linked_to_a_plan_activity_takes_its_title(client, users, login, site):
    visit = Activity.objects.get(title="First site visit")
    login(users["provider_a"])
    response = client.post(
        f"/workspace/sites/{site.pk}/activities/",
        _form(**{"activity-plan_activity": str(visit.pk), "activity-title": ""}),
    )
    assert response.status_code == 302
    done = ActivityDone.objects.get()
    assert (done.plan_activity, done.title) == (visit, "First site visit")
    login(users["executive_a"])  # the agency sees what was done on its site
    page = client.get(f"/workspace/sites/{site.pk}/activities/")
    assert list(page.context["activities"]) == [done] and page.context["form"] is None


def test_needs_a_title_or_a_plan_activity(client, users, login, site):
    login(users["staff"])
    response = client.post(f"/workspace/sites/{site.pk}/activities/", _form(**{"activity-title": ""}))
    assert response.status_code == 422
    assert "Give the activity a title" in response.context["form"].errors["title"][0]
    assert "The activity was not logged yet" in response.content.decode()
    assert not ActivityDone.objects.exists()


def test_cannot_link_another_sites_plan_activity(client, users, login, site, site_b):
    foreign = Activity.objects.filter(plan__site=site_b).first()
    login(users["staff"])
    response = client.post(
        f"/workspace/sites/{site.pk}/activities/", _form(**{"activity-plan_activity": str(foreign.pk)})
    )
    assert response.status_code == 422 and "plan_activity" in response.context["form"].errors
    with pytest.raises(DeliveryError):
        log_activity(
            site, users["staff"], ActivityDone(done_on=today(), participants="x", plan_activity=foreign)
        )


def test_future_date_refused_and_agency_cannot_log(client, users, login, site):
    login(users["staff"])
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(f"/workspace/sites/{site.pk}/activities/", _form(**{"activity-done_on": tomorrow}))
    assert response.status_code == 422 and "future" in response.context["form"].errors["done_on"][0]
    with pytest.raises(PermissionDenied):
        log_activity(site, users["executive_a"], ActivityDone(title="x", done_on=today(), participants="x"))


def test_the_agency_sees_activities_but_not_the_teams_notes(client, users, login, site):
    login(users["provider_a"])
    client.post(f"/workspace/sites/{site.pk}/activities/", {
        "activity-title": "Interviews with command staff", "activity-done_on": today().isoformat(),
        "activity-participants": "Command staff", "activity-notes": "The chief seemed defensive about the audit.",
    })  # fmt: skip
    assert site.activities_done.count() == 1
    login(users["liaison_a"])
    html = client.get(f"/workspace/sites/{site.pk}/activities/").content.decode()
    assert "Interviews with command staff" in html and "defensive" not in html
