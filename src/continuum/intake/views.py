import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from continuum import workflow
from continuum.accounts.access import PUBLIC, access, authorize
from continuum.audit.log import form_columns, history, record, save_audited
from continuum.audit.models import AuditEvent
from continuum.portal.pagination import page_of
from continuum.portal.spreadsheets import csv_response
from continuum.portal.uploads import SizeLimitHandler, limit_uploads

from . import assignment, authorization, letters, notify, ratelimit, submission, transitions
from .forms import (
    ANY,
    OPEN,
    AcceptForm,
    AssignForm,
    ClearFlagForm,
    ContactForm,
    LetterForm,
    NoteForm,
    QueueFilterForm,
    RequestForm,
    StatusLookupForm,
    TriageForm,
    step_form,
)
from .models import Flag, Note, Request
from .screening import apply_screening
from .service import service_level

SUBMITTED_KEY = "intake_submitted"  # tracking numbers this browser session submitted
PROOF_SALT, PROOF_SECONDS = "continuum.intake.submitted", 3600  # the confirmation's own proof, for an hour
QUEUE_PER_PAGE = 50
STATUS_KEY = "intake_status_access"  # tracking numbers this session proved with the e-mail address


def _remember(http_request, key: str, tracking_number: str) -> None:
    http_request.session[key] = [*http_request.session.get(key, [])[-19:], tracking_number]


def _initial_for(user) -> dict:
    if not (user.is_authenticated and user.is_agency_user):
        return {}
    return {
        "existing_agency": user.organization_id,
        "requester_name": user.get_full_name(),
        "requester_title": user.job_title,
        "requester_email": user.email,
        "requester_phone": user.phone,
        "requester_is_chief_executive": user.role == "agency_executive",
    }


@access(PUBLIC)
@csrf_exempt  # only so the size limit is in place before the body is read: _request_form checks CSRF
def request_form(http_request: HttpRequest) -> HttpResponse:
    return _request_form(http_request, limit_uploads(http_request, letters.MAX_LETTER_BYTES))


@csrf_protect
def _request_form(http_request: HttpRequest, limit: SizeLimitHandler) -> HttpResponse:
    if http_request.method != "POST":
        form = RequestForm(
            initial={"submission_token": uuid.uuid4(), **_initial_for(http_request.user)},
            user=http_request.user,
        )
        return TemplateResponse(http_request, "intake/request_form.html", {"form": form})

    token = http_request.POST.get("submission_token", "")
    done = Request.objects.filter(submission_token=token).first() if _is_uuid(token) else None
    if done is not None:  # the same form sent twice (refresh, double click): one request
        return _confirmation_redirect(http_request, done)
    if ratelimit.is_limited(http_request):
        return TemplateResponse(http_request, "intake/rate_limited.html", status=429)

    pending = letters.pending_letter(token) if _is_uuid(token) else None
    form = RequestForm(
        http_request.POST, http_request.FILES, user=http_request.user, has_pending_letter=pending is not None
    )
    valid = form.is_valid()
    if limit.refused:  # the letter stopped arriving at the limit; no part of it was kept
        form.add_error("authorization_letter", letters.too_large(limit.refused[0]))
        valid = False
    upload = form.cleaned_data.get("authorization_letter") if hasattr(form, "cleaned_data") else None
    if upload and "authorization_letter" not in form.errors and _is_uuid(token) and not valid:
        if letters.keep_pending(token, upload, http_request.session, ratelimit.client_key(http_request)):
            pending = letters.pending_letter(token)
            form.has_pending_letter = True
        else:
            form.add_error("authorization_letter", letters.NOT_HELD)
    if not valid:
        return TemplateResponse(http_request, "intake/request_form.html", {"form": form}, status=422)

    try:
        request, _ = submission.submit(
            form, http_request.user, ratelimit.client_key(http_request), letter=upload or pending
        )
    except ratelimit.Limited:
        return TemplateResponse(http_request, "intake/rate_limited.html", status=429)
    letters.discard_pending(token)
    return _confirmation_redirect(http_request, request)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _confirmation_redirect(http_request, request: Request) -> HttpResponse:
    """To the confirmation page, with a signed, short-lived proof in its address: the session remembers the
    number too, but two submissions from one browser at once race to save the session, and the one that loses
    must still find its confirmation."""
    _remember(http_request, SUBMITTED_KEY, request.tracking_number)
    _remember(http_request, STATUS_KEY, request.tracking_number)
    proof = signing.dumps(request.tracking_number, salt=PROOF_SALT)
    return redirect(
        f"{reverse('intake:submitted', args=[request.tracking_number])}?{urlencode({'proof': proof})}"
    )


def _proven(http_request: HttpRequest, tracking_number: str) -> bool:
    if tracking_number in http_request.session.get(SUBMITTED_KEY, []):
        return True
    try:
        signed = signing.loads(http_request.GET.get("proof", ""), salt=PROOF_SALT, max_age=PROOF_SECONDS)
    except signing.BadSignature:
        return False
    return signed == tracking_number


@access(PUBLIC)
def submitted(http_request: HttpRequest, tracking_number: str) -> HttpResponse:
    if not _proven(http_request, tracking_number):
        raise Http404("No request submitted from this browser has that number.")
    request = get_object_or_404(Request, tracking_number=tracking_number)
    return TemplateResponse(http_request, "intake/submitted.html", {"request": request})


@access(PUBLIC)
def status_lookup(http_request: HttpRequest) -> HttpResponse:
    form = StatusLookupForm(http_request.POST or None)
    if http_request.method == "POST" and form.is_valid():
        request = Request.objects.filter(
            tracking_number=form.cleaned_data["tracking_number"],
            requester_email__iexact=form.cleaned_data["email"],
        ).first()
        if request is not None:
            _remember(http_request, STATUS_KEY, request.tracking_number)
            return redirect("intake:status", tracking_number=request.tracking_number)
        form.add_error(
            None, "No request matches that tracking number and e-mail address. Check both and try again."
        )
    return TemplateResponse(http_request, "intake/status_lookup.html", {"form": form})


def _status_request(http_request, tracking_number: str) -> Request:
    if tracking_number not in http_request.session.get(STATUS_KEY, []):
        raise Http404("Look the request up with its tracking number and e-mail address first.")
    return get_object_or_404(Request, tracking_number=tracking_number)


@access(PUBLIC)
def status(http_request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The requester's status page: for a browser that looked the request up, submitted it, or followed the
    signed link in the requester's e-mail (remembered, then the address is cleaned of the token)."""
    if token := http_request.GET.get("access"):
        request = Request.objects.filter(tracking_number=tracking_number).first()
        if request is None or not notify.link_opens(request, token):
            raise Http404("That link is not valid: look the request up with its tracking number and e-mail.")
        _remember(http_request, STATUS_KEY, tracking_number)
        return redirect("intake:status", tracking_number=tracking_number)
    request = _status_request(http_request, tracking_number)
    return TemplateResponse(http_request, "intake/status.html", _status_context(request))


def _status_context(request: Request, **forms) -> dict:
    can_attach = request.is_open and "attach_letter" in _authorization_steps_from(request)
    return {
        "request": request,
        "withdraw_form": forms.get("withdraw_form") or step_form("withdraw"),
        "indicator": workflow.indicator(transitions.LIFECYCLE, request),
        "letter_form": (forms.get("letter_form") or LetterForm()) if can_attach else None,
        "chief_has_account": authorization.chief_executives(request).exists(),
    }


def _authorization_steps_from(request: Request) -> set[str]:
    """The authorization steps the request's state allows, whoever takes them."""
    state = request.authorization
    return {step.name for step in authorization.AUTHORIZATION.steps if state in step.sources}


@access(PUBLIC)
@csrf_exempt  # only so the size limit is in place before the body is read: _status_letter checks CSRF
def status_letter(http_request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The requester attaches the chief executive's letter later, from the status page (no account needed)."""
    if http_request.method != "POST":
        return redirect("intake:status", tracking_number=tracking_number)
    return _status_letter(
        http_request, tracking_number, limit_uploads(http_request, letters.MAX_LETTER_BYTES)
    )


@csrf_protect
def _status_letter(http_request: HttpRequest, tracking_number: str, limit: SizeLimitHandler) -> HttpResponse:
    request = _status_request(http_request, tracking_number)
    form = LetterForm(http_request.POST, http_request.FILES)
    if _attached(http_request, form, limit, request, verified_requester=True):
        messages.success(
            http_request, "The letter was attached. Program staff can now go on with the request."
        )
        return redirect("intake:status", tracking_number=tracking_number)
    return TemplateResponse(
        http_request, "intake/status.html", _status_context(request, letter_form=form), status=422
    )


@access(PUBLIC)
@require_POST
def status_withdraw(http_request: HttpRequest, tracking_number: str) -> HttpResponse:
    request = _status_request(http_request, tracking_number)
    form = step_form("withdraw", http_request.POST)
    if form.is_valid():
        try:
            transitions.withdraw(
                request, http_request.user, form.cleaned_data["reason"], verified_requester=True
            )
        except transitions.TransitionError as error:
            messages.error(http_request, str(error))
        else:
            messages.success(http_request, "Your request was withdrawn.")
        return redirect("intake:status", tracking_number=tracking_number)
    return TemplateResponse(
        http_request, "intake/status.html", _status_context(request, withdraw_form=form), status=422
    )


@access("intake.list_requests")
def queue(http_request: HttpRequest) -> HttpResponse:
    form, requests, counts = _queue(http_request)
    total = sum(n for _, _, n in counts)
    status = (form.cleaned_data.get("status") if form.is_valid() else None) or OPEN
    open_count = sum(n for value, _, n in counts if value in Request.OPEN_STATUSES)
    per_status = {OPEN: open_count, ANY: total, **{value: n for value, _, n in counts}}
    matching = per_status.get(status, 0)
    page = page_of(http_request, requests, QUEUE_PER_PAGE, count=matching)
    for request in page:
        request.service = (
            service_level(request.submitted_at, request.first_contact) if request.is_open else None
        )
    context = {
        "form": form, "requests": page, "counts": counts, "total": total, "internal": form.internal,
        "assign_form": AssignForm() if http_request.user.has_perm("intake.assign_request") else None,
        "export_query": http_request.GET.urlencode(),
    }  # fmt: skip
    template = "intake/queue.html#results" if http_request.htmx else "intake/queue.html"
    return TemplateResponse(http_request, template, context)


def _queue(http_request):
    internal = http_request.user.has_perm("intake.view_internal")
    form = QueueFilterForm(http_request.GET or None, internal=internal, user=http_request.user)
    requests, counts = form.filter(Request.objects.visible_to(http_request.user).select_related("owner"))
    return form, requests, counts


@access("intake.list_requests")
def queue_export(http_request: HttpRequest) -> HttpResponse:
    """The queue as filtered, every page, as CSV (values a spreadsheet would run are defused)."""
    form, requests, _ = _queue(http_request)
    internal = form.internal
    header = ["Tracking number", "Agency", "State", "Program", "Kind of assistance", "Urgency", "Status",
              "Written authorization", "Submitted", "Age (days)", "First contact"]  # fmt: skip
    if internal:
        header += ["Owner", "Contact target", "Service level", "Open flags"]
    today = timezone.localdate()
    rows = []
    for request in requests.iterator(chunk_size=500):
        row = [
            request.tracking_number, request.agency_name, request.agency_state,
            request.get_program_wanted_display(), request.get_ta_kind_display(), request.get_urgency_display(),
            request.get_status_display(), request.get_authorization_display(),
            timezone.localtime(request.submitted_at).date().isoformat(),
            (today - timezone.localtime(request.submitted_at).date()).days,
            request.first_contact.isoformat() if request.first_contact else "",
        ]  # fmt: skip
        if internal:
            level = service_level(request.submitted_at, request.first_contact)
            owner = request.owner.get_full_name() or request.owner.email if request.owner else ""
            row += [owner, level.due.isoformat(), level.label if request.is_open or request.first_contact else "",
                    request.open_flag_count]  # fmt: skip
        rows.append(row)
    return csv_response(f"requests-{today.isoformat()}.csv", header, rows)


@access("intake.list_requests")
@require_POST
def assign(http_request: HttpRequest) -> HttpResponse:
    """Assign the requests ticked in the queue (or the one on its page) to a program staff member."""
    authorize(http_request.user, "intake.assign_request", None)
    form = AssignForm(http_request.POST, visible=Request.objects.visible_to(http_request.user))
    back = _safe_back(http_request)
    if not form.is_valid():
        messages.error(http_request, workflow.first_error(form))
        return redirect(back)
    try:
        changed = assignment.assign(
            form.cleaned_data["requests"], form.cleaned_data["owner"], http_request.user
        )
    except assignment.AssignmentError as error:
        messages.error(http_request, str(error))
        return redirect(back)
    owner = form.cleaned_data["owner"]
    who = (owner.get_full_name() or owner.email) if owner else "no one"
    messages.success(http_request, f"{changed} request{'s' if changed != 1 else ''} assigned to {who}.")
    return redirect(back)


def _safe_back(http_request) -> str:
    """Back to the queue (with its filters) or the request the form was on; never to another site."""
    back = http_request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={http_request.get_host()}) and back.startswith(
        "/"
    ):
        return back
    return reverse("intake:queue")


def _visible_request(http_request, pk: int) -> Request:
    request = get_object_or_404(
        Request.objects.visible_to(http_request.user).select_related("agency", "site", "site__provider"),
        pk=pk,
    )
    authorize(http_request.user, "intake.view_request", request)
    return request


@access("intake.list_requests")
def detail(http_request: HttpRequest, pk: int) -> HttpResponse:
    request = _visible_request(http_request, pk)
    return TemplateResponse(http_request, "intake/detail.html", _detail_context(http_request, request))


def _detail_context(http_request, request: Request, **forms) -> dict:
    user = http_request.user
    internal = user.has_perm("intake.view_internal", request)
    context = {
        "request": request,
        "indicator": workflow.indicator(transitions.LIFECYCLE, request),
        "internal": internal,
        "can_withdraw": request.is_open and user.has_perm("intake.withdraw_request", request),
        "can_view_letter": bool(request.authorization_letter)
        and user.has_perm("intake.view_letter", request),
        "withdraw_form": forms.get("withdraw_form") or step_form("withdraw"),
        "authorization_offers": workflow.offers(
            authorization.AUTHORIZATION, request, user,
            lambda name: reverse("intake:authorization", args=[request.pk, name]),
            bound=forms.get("authorization_form"),
        ),
        "letter_form": forms.get("letter_form") or LetterForm(),
        "can_attach_letter": request.is_open
        and "attach_letter" in _authorization_steps_from(request)
        and user.has_perm("intake.attach_letter", request),
        "chief_has_account": authorization.chief_executives(request).exists(),
    }  # fmt: skip
    if internal:
        context.update(
            flags=request.flags.select_related("cleared_by"),
            contacts=request.contacts.select_related("logged_by"),
            notes=Note.objects.filter(request=request).select_related("author"),
            service=service_level(request.submitted_at, _first_contact(request)),
            contact_target_days=settings.CONTACT_TARGET_BUSINESS_DAYS,
            assign_form=AssignForm(initial={"owner": request.owner_id})
            if user.has_perm("intake.assign_request", request) and request.is_open
            else None,
            events=history(request),
            contact_form=forms.get("contact_form") or ContactForm(prefix="contact"),
            note_form=forms.get("note_form") or NoteForm(prefix="note"),
            triage_form=forms.get("triage_form") or TriageForm(instance=request, prefix="triage"),
            review_form=forms.get("review_form") or step_form("review"),
            accept_form=forms.get("accept_form")
            or AcceptForm(initial=_accept_initial(request), prefix="accept"),
            decline_form=forms.get("decline_form") or step_form("decline"),
            refer_form=forms.get("refer_form") or step_form("refer"),
        )
    if internal and request.agency and user.has_perm("accounts.invite", request.agency):
        context.update(_invitation_context(user, request))
    return context


def _first_contact(request: Request):
    first = request.contacts.order_by("contacted_on").first()
    return first.contacted_on if first else None


def _invitation_context(user, request: Request) -> dict:
    """The agency's accounts and a form to invite its chief executive or a liaison from the decision screen."""
    from continuum.accounts import invitations
    from continuum.accounts.forms import InviteForm
    from continuum.accounts.roles import Role

    agency = request.agency
    has_chief = agency.members.filter(is_active=True, role=Role.AGENCY_EXECUTIVE).exists()
    role = (
        Role.AGENCY_LIAISON
        if has_chief or not request.requester_is_chief_executive
        else Role.AGENCY_EXECUTIVE
    )
    roles = invitations.grantable_roles(user, agency)
    return {
        "agency_has_chief": has_chief,
        "agency_invitations": agency.invitations.pending(),
        "invite_form": InviteForm(
            roles=roles, initial={"email": request.requester_email, "role": role}, prefix=None
        ),
    }


def _accept_initial(request: Request) -> dict:
    program = request.program_wanted if request.program_wanted != "not_sure" else ""
    ta_type = {
        "after_action_review": "after_action_review",
        "data_analysis": "data_analysis",
        "immediate": "immediate_ta",
    }.get(request.ta_kind, "technical_assistance")
    return {"program": program, "ta_type": ta_type}


def _rerender(http_request, request, status=422, **forms) -> HttpResponse:
    return TemplateResponse(
        http_request, "intake/detail.html", _detail_context(http_request, request, **forms), status=status
    )


@access("intake.list_requests")
@require_POST
def add_contact(http_request: HttpRequest, pk: int) -> HttpResponse:
    request = _visible_request(http_request, pk)
    authorize(http_request.user, "intake.triage_request", request)
    form = ContactForm(http_request.POST, prefix="contact")
    if not form.is_valid():
        return _rerender(http_request, request, contact_form=form)
    with transaction.atomic():
        contact = form.save(commit=False)
        contact.request, contact.logged_by = request, http_request.user
        contact.save()
        record(http_request.user, request, AuditEvent.Action.UPDATED, changes={"contacts": [None, str(contact)]},
               reason=", ".join(contact.purpose_labels))  # fmt: skip
    messages.success(http_request, "The contact was logged.")
    return redirect(request)


@access("intake.list_requests")
@require_POST
def add_note(http_request: HttpRequest, pk: int) -> HttpResponse:
    request = _visible_request(http_request, pk)
    authorize(http_request.user, "intake.triage_request", request)
    form = NoteForm(http_request.POST, prefix="note")
    if not form.is_valid():
        return _rerender(http_request, request, note_form=form)
    with transaction.atomic():
        note = Note.objects.create(request=request, text=form.cleaned_data["text"], author=http_request.user)
        record(http_request.user, request, AuditEvent.Action.UPDATED, changes={"notes": [None, str(note)]})
    messages.success(http_request, "The note was added.")
    return redirect(request)


@access("intake.list_requests")
@require_POST
def triage(http_request: HttpRequest, pk: int) -> HttpResponse:
    request = _visible_request(http_request, pk)
    authorize(http_request.user, "intake.triage_request", request)
    if not request.is_open:
        raise PermissionDenied
    form = TriageForm(http_request.POST, instance=request, prefix="triage")
    if not form.is_valid():
        return _rerender(http_request, request, triage_form=form)
    with transaction.atomic():
        if not Request.objects.select_for_update().get(pk=request.pk).is_open:
            raise PermissionDenied  # decided while the form was being filled in
        before_topics = sorted(str(t) for t in request.topics.all())
        save_audited(form.save(commit=False), http_request.user, reason="Set after the assessment",
                     fields=form_columns(form))  # fmt: skip
        form.save_m2m()
        after_topics = sorted(str(t) for t in request.topics.all())
        if before_topics != after_topics:
            record(http_request.user, request, AuditEvent.Action.UPDATED,
                   changes={"topics": [", ".join(before_topics), ", ".join(after_topics)]})  # fmt: skip
        apply_screening(request, http_request.user)
    messages.success(http_request, "The request was updated and screened again.")
    return redirect(request)


@access("intake.list_requests")
@require_POST
def clear_flag(http_request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    request = _visible_request(http_request, pk)
    authorize(http_request.user, "intake.triage_request", request)  # before the form: a refusal, not advice
    flag = get_object_or_404(Flag, pk=flag_pk, request=request)
    form = ClearFlagForm(http_request.POST)
    if not form.is_valid():
        messages.error(http_request, "Say why the flag can be cleared.")
        return redirect(request)
    try:
        transitions.clear_flag(flag, http_request.user, form.cleaned_data["reason"])
    except transitions.TransitionError as error:
        messages.error(http_request, str(error))
    else:
        messages.success(http_request, f"The flag “{flag.get_code_display()}” was cleared.")
    return redirect(request)


DECISIONS = {
    "review": transitions.start_review,
    "accept": transitions.accept,
    "refer": transitions.refer,
    "decline": transitions.decline,
    "withdraw": transitions.withdraw,
}


@access("intake.list_requests")
@require_POST
def decide(http_request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Any step of the request's lifecycle, from its form (the step's reason and message, and what accepting
    or referring needs)."""
    if decision not in DECISIONS:
        raise Http404
    request = _visible_request(http_request, pk)
    form = step_form(decision, http_request.POST)
    if not form.is_valid():
        return _rerender(http_request, request, **{f"{decision}_form": form})
    inputs = {k: v for k, v in form.cleaned_data.items() if k not in ("reason", "message")}
    if "message" in form.fields:
        inputs["message"] = form.cleaned_data["message"]
    try:
        request = DECISIONS[decision](
            request, http_request.user, form.cleaned_data.get("reason", ""), **inputs
        )
    except transitions.TransitionError as error:
        form.add_error(None, str(error))
        return _rerender(http_request, request, status=409, **{f"{decision}_form": form})
    messages.success(http_request, f"The request is now {request.get_status_display().lower()}.")
    return redirect(request)


@access("intake.list_requests")
def letter(http_request: HttpRequest, pk: int) -> HttpResponse:
    request = _visible_request(http_request, pk)
    authorize(http_request.user, "intake.view_letter", request)
    if not request.authorization_letter:
        raise Http404("No letter is attached to this request.")
    return FileResponse(
        request.authorization_letter.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{request.tracking_number}-authorization.pdf",
    )


@access("intake.list_requests")
@require_POST
def authorization_step(http_request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Sending the request to the chief executive, and the chief's authorization or refusal."""
    request = _visible_request(http_request, pk)
    if name == "attach_letter":
        raise Http404  # it has its own form, with the file
    saved, form = workflow.post(http_request, authorization.AUTHORIZATION, request, name)
    if saved is None:
        return _rerender(
            http_request, request, status=409 if form.is_valid() else 422, authorization_form=form
        )
    messages.success(http_request, f"Written authorization: {saved.get_authorization_display().lower()}.")
    return redirect(saved)


@access("intake.list_requests")
@csrf_exempt  # only so the size limit is in place before the body is read: _attach_letter checks CSRF
def attach_letter(http_request: HttpRequest, pk: int) -> HttpResponse:
    if http_request.method != "POST":
        return redirect(_visible_request(http_request, pk))
    return _attach_letter(http_request, pk, limit_uploads(http_request, letters.MAX_LETTER_BYTES))


@csrf_protect
def _attach_letter(http_request: HttpRequest, pk: int, limit: SizeLimitHandler) -> HttpResponse:
    request = _visible_request(http_request, pk)
    authorize(http_request.user, "intake.attach_letter", request)  # before the form: a refusal, not advice
    form = LetterForm(http_request.POST, http_request.FILES)
    if _attached(http_request, form, limit, request):
        messages.success(http_request, "The letter was attached and the requester-authority flag cleared.")
        return redirect(request)
    return _rerender(http_request, request, letter_form=form)


def _attached(http_request, form: LetterForm, limit: SizeLimitHandler, request: Request, **proof) -> bool:
    """Attach the posted letter if it is a PDF within the limit; otherwise the form carries the reason."""
    valid = form.is_valid()
    if limit.refused:  # the letter stopped arriving at the limit; no part of it was kept
        form.add_error("letter", letters.too_large(limit.refused[0]))
        valid = False
    if not valid:
        return False
    try:
        authorization.attach_letter(request, http_request.user, form.cleaned_data["letter"], **proof)
    except authorization.TransitionError as error:
        form.add_error(None, str(error))
        return False
    return True
