"""The mapping saved with a dataset version, as TOML the user reviews in the browser.

Stops use the engine's mapping (its draft comes from `continuum.analysis.profile`, or a shipped mapping), and
so does any table the engine has a schema for (drafted for that table). Otherwise a table's mapping only says
which columns are kept (`keep`) and which hold officer identifiers to hash (`hash`), in the engine's own
format (`continuum.analysis.kept`); every other column, such as civilian names, is dropped."""

import hashlib
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from continuum.analysis.errors import InputError
from continuum.analysis.kept import KeptColumns, draft_kept, kept_columns
from continuum.analysis.limits import run_bounded
from continuum.analysis.load import WORK_DIR_ENV
from continuum.analysis.mapping import Mapping, parse_toml, shipped_mappings
from continuum.analysis.profile import SAMPLE_ROWS, profile
from continuum.audit.log import save_audited

from . import engine
from .models import DatasetVersion
from .uploads import DataError, ensure_open

PROFILE_SECONDS = 30
MAX_VALUES = 40


def shipped() -> list[str]:
    return sorted(shipped_mappings())


def draft(version: DatasetVersion, shipped_name: str = "") -> str:
    """A starting point for the user to review: a shipped mapping, else the engine's draft."""
    if shipped_name:
        path = shipped_mappings().get(shipped_name)
        if path is None:
            raise DataError(f"There is no shipped mapping called {shipped_name!r}.")
        return path.read_text(encoding="utf-8")
    path = Path(version.raw_file.path)
    table_type = version.data_request.table_type
    table = engine.table_name(table_type) if engine.loads(table_type) else None
    try:  # in a bounded process: a page must answer even when the file is built to make reading it slow
        toml, prof = run_bounded(
            profile, path, MAX_VALUES, SAMPLE_ROWS, table, seconds=PROFILE_SECONDS,
            what="Drafting a mapping from the file",
        )  # fmt: skip
    except InputError as error:
        raise DataError(describe(error, version)) from error
    return toml if table else draft_kept(list(prof))


def parse(version: DatasetVersion, text: str) -> Mapping | KeptColumns:
    """The engine's Mapping for stops and the tables it has a schema for, else the engine's kept columns (keep
    and hash lists); raises InputError with the engine's reason when the text can't be used."""
    doc = parse_toml(text)
    sha = hashlib.sha256(text.encode()).hexdigest()
    if version.is_stops or ("columns" in doc and engine.loads(version.data_request.table_type)):
        return Mapping.from_dict(doc, name=f"dataset-{version.data_request_id}-v{version.number}", sha256=sha)
    return kept_columns(doc)


def save_mapping(version: DatasetVersion, actor, text: str) -> DatasetVersion:
    """Save the reviewed mapping with the version (checked by the engine first)."""
    site = version.site
    if not actor.has_perm("datasets.upload_data", site):
        raise PermissionDenied
    ensure_open(site)
    if not version.raw_file:
        raise DataError(
            "This version was accepted and its raw upload deleted; upload a new version to remap."
        )
    try:
        parse(version, text)
    except InputError as error:
        raise DataError(describe(error, version)) from error
    with transaction.atomic():
        version.mapping_toml = text
        version.mapping_sha256 = hashlib.sha256(text.encode()).hexdigest()
        save_audited(version, actor, reason="Mapping saved")
    return version


def describe(error: InputError, version: DatasetVersion | None = None) -> str:
    """The engine's one-line reason in plain words, naming the uploaded file rather than where it is stored,
    and the analysis form's fields that would get past it (the engine names the parameters)."""
    name = version.original_name if version else None
    file = name if (error.file and name) else error.file
    reason = plain_words(scrub(error.reason, version))
    if error.params:
        reason += f" Change the {_or(error.params)} field on the analysis form and run it again."
    return InputError(reason, file=file, row=error.row, column=error.column, value=error.value).one_line()


def field_label(param: str) -> str:
    """An analysis parameter as its field on the analysis form is labelled (forms.analysis_form)."""
    from continuum.analysis.dictionary import param_label

    return param_label(param)


def _or(params: tuple[str, ...]) -> str:
    names = [f"“{field_label(p)}”" for p in params]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


CLI_PARAM = re.compile(r"--param[ =]([A-Za-z_]+)=\S*")
PY_LIST = re.compile(r"\[(?:'[^'\]]*'(?:, )?)+\]")  # ['beat', 'zone'], as Python prints a list
PY_ITEM = re.compile(r"'([^']*)'")
CLI_COMMAND = re.compile(r"\s*\(?`continuum [^`]*`[^).;]*\)?")


def plain_words(text: str) -> str:
    """An engine message without command-line syntax: ``--param min_searches=N`` becomes the form's field, a
    suggested ``continuum ...`` command is left out (the page offers its own way), an analysis's code becomes its
    name and a list printed by Python becomes quoted words."""
    from continuum.analysis.analyses import ANALYSES
    from continuum.analysis.readable import analysis_name

    text = CLI_PARAM.sub(lambda m: f"the “{field_label(m.group(1))}” field", text)
    text = PY_LIST.sub(lambda m: ", ".join(f"“{item}”" for item in PY_ITEM.findall(m.group(0))), text)
    for code in (c for c in ANALYSES if "-" in c):
        text = re.sub(rf"(?<![\w/-]){re.escape(code)}(?![\w-])", f"“{analysis_name(code)}”", text)
    return CLI_COMMAND.sub("", text).replace("`", "")


def scrub(text: str, version: DatasetVersion | None = None) -> str:
    """Text shown to people, without the server's paths: an engine message (DuckDB's, a parser's) can quote
    where the upload is stored or where the job worked. The stored file becomes its uploaded name."""
    name = version.original_name if version else "the uploaded file"
    if version is not None:
        for stored in (version.raw_file, version.standard_file):
            if stored:
                text = text.replace(str(Path(stored.path)), name)
    for root, label in (
        (settings.MEDIA_ROOT, "the uploads folder"),
        (os.environ.get(WORK_DIR_ENV), "the work folder"),
    ):
        if root:
            text = re.sub(re.escape(str(root)) + r"[^\s'\"]*", label, text)
    return text
