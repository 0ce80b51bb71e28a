"""One vocabulary for the timeline: every code a service (or a demo, or an import) writes is named,
with a label, in the vocabulary of the kind of item it is written on; the labels are what the
admin and the public timelines show.

The code is read, not run: every call of the timeline writers in the apps is found in the source
(ast), so a step no test happens to walk is checked too, and a new call with a code nobody
labelled fails here rather than showing "已记录" to the public.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from congress.kit.events import TimelineEvent, event_label, events_for, registered_models
from congress.models import TimelineEntry, timeline_write
from proposals.events import HandlingEvent
from proposals.models import Motion, Rating
from supervision.models import LivelihoodProject, ProjectApproval

ROOT = Path(__file__).resolve().parents[2]
APPS = ("congress", "deputies", "proposals", "supervision")
# The writers, and the workflow helper (congress/kit/workflow.py) that writes through them.
WRITERS = {"timeline_write", "_timeline", "timeline", "transition"}
# Services' own wrappers that pass a code through to the workflow helper.
WRITERS |= {"_review", "_poll_transition"}

SUGGESTION, MOTION, OPINION = "proposals.suggestion", "proposals.motion", "proposals.opinion"
POLL, PROJECT = "supervision.poll", "supervision.livelihoodproject"
SUPERVISION_ITEM = "supervision.supervisionitem"

# What the item argument of a writer call is, by the name the services give it.
ITEM_MODELS = {
    ("*", "suggestion"): {SUGGESTION},
    ("*", "into"): {SUGGESTION},
    ("*", "motion"): {MOTION},
    ("*", "opinion"): {OPINION},
    ("*", "poll"): {POLL},
    ("*", "project"): {PROJECT},
    ("*", "activity"): {"deputies.activity"},
    ("*", "session"): {"deputies.receptionsession"},
    ("proposals/services.py", "item"): {SUGGESTION, MOTION},  # the shared front half
    ("supervision/services.py", "item"): {SUPERVISION_ITEM},
    ("supervision/services.py", "opinion.item"): {SUPERVISION_ITEM},
    # A budget warning's case (supervision/budget): its steps are written on the case's item.
    ("supervision/budget/services.py", "item"): {SUPERVISION_ITEM},
    ("supervision/budget/services.py", "warning.case"): {SUPERVISION_ITEM},
    ("supervision/budget/cases.py", "item"): {SUPERVISION_ITEM},
    ("supervision/budget/cases.py", "warning.case"): {SUPERVISION_ITEM},
    # A deputy's question on the draft budget: its own thread.
    ("supervision/budget/cases.py", "question"): {"supervision.budgetquestion"},
}

# Codes computed at the call; each is spelled out here from where its values come from.
DYNAMIC = {
    ("proposals/services.py", "action"): ["signature_confirmed", "signature_declined"],
    ("proposals/motions/services.py", "outcome"): [
        Motion.Outcome.LISTED.value,
        Motion.Outcome.NOT_LISTED.value,
    ],
    ("proposals/opinions/services.py", "f'rated_{rating}'"): [
        f"rated_{rating}" for rating in Rating.values
    ],
    ("deputies/services.py", "action"): ["reception_session.opened", "reception_session.extended"],
    ("supervision/services.py", "f'approval_{step}'"): [
        f"approval_{step}" for step in ProjectApproval.Step.values
    ],
    ("supervision/services.py", "f'project_{project.status}'"): [
        f"project_{status}" for status in LivelihoodProject.Status.values
    ],
    ("supervision/services.py", "f'project_{to}'"): [
        f"project_{status}" for status in LivelihoodProject.Status.values
    ],
    ("proposals/opinions/services.py", "action"): ["closed", "reopened", "closed_unsatisfied"],
}


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _codes(node):
    """The string constants an action expression may be (both sides of `a if c else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body) + _codes(node.orelse)
    return None


def _writer_calls():
    """(file, line, item expression, action expression) for every call of a timeline writer,
    except the writers' own wrappers passing their argument on."""
    for name, tree in _python_files():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if function.name in WRITERS:
                continue
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                if isinstance(call.func, ast.Name):
                    callee = call.func.id
                elif isinstance(call.func, ast.Attribute):
                    callee = call.func.attr
                else:
                    continue
                if callee not in WRITERS:
                    continue
                keywords = {k.arg: k.value for k in call.keywords}
                item = keywords.get("item", call.args[0] if call.args else None)
                if callee == "transition":  # transition(item, to, action=…): no action, no entry
                    action = keywords.get("action")
                    if action is None or (isinstance(action, ast.Constant) and not action.value):
                        continue
                else:
                    action = keywords.get("action", call.args[1] if len(call.args) > 1 else None)
                yield name, call.lineno, ast.unparse(item), action


def _demo_and_import_codes():
    """Codes written without the writers: demo loaders and imports build TimelineEntry rows (or
    dicts of their fields) in bulk, from literal step lists."""
    for name, tree in _python_files():
        writes_rows = "TimelineEntry" in ast.unparse(tree)
        enums = {
            alias.asname or alias.name: importlib.import_module(node.module)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".events")
            for alias in node.names
        }
        for node in ast.walk(tree):
            # SuggestionEvent.IMPORTED(.value) in a file that writes rows itself
            if (
                writes_rows
                and isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in enums
            ):
                member = getattr(getattr(enums[node.value.id], node.value.id), node.attr, None)
                if isinstance(member, TimelineEvent):
                    yield name, node.lineno, [member.value]
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "TimelineEntry":
                for keyword in node.keywords:
                    if keyword.arg == "action" and _codes(keyword.value):
                        yield name, node.lineno, _codes(keyword.value)
            # steps = [("submitted", when, who, note), …] and `for action, … in ((…), …)`
            elif isinstance(node, ast.Tuple) and len(node.elts) >= 3:
                first = node.elts[0]
                if (
                    writes_rows
                    and "demo" in name
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    if first.value.islower() and " " not in first.value:
                        yield name, node.lineno, [first.value]


def test_every_code_a_service_writes_is_in_the_vocabulary_of_its_item():
    calls = list(_writer_calls())
    assert len(calls) > 60, "the scan no longer finds the services' timeline calls"
    unknown, unmapped = [], []
    for name, line, item, action in calls:
        models = ITEM_MODELS.get((name, item)) or ITEM_MODELS.get(("*", item))
        if models is None:
            unmapped.append(f"{name}:{line} item={item}")
            continue
        codes = _codes(action)
        if codes is None:
            codes = DYNAMIC.get((name, ast.unparse(action)))
        if codes is None:
            unmapped.append(f"{name}:{line} action={ast.unparse(action)}")
            continue
        for model in models:
            unknown += [
                f"{name}:{line} {model} {code!r}" for code in codes if code not in events_for(model)
            ]
    assert not unmapped, "say here what these calls write (ITEM_MODELS, DYNAMIC):\n" + "\n".join(
        unmapped
    )
    assert not unknown, "codes written but not in the vocabulary:\n" + "\n".join(unknown)


def test_demo_and_imported_rows_use_the_vocabulary_too():
    known = {code for model in registered_models() for code in events_for(model)}
    found = list(_demo_and_import_codes())
    assert {"imported", "rated_satisfied", "listed"} <= {c for _, _, codes in found for c in codes}
    unknown = [
        f"{name}:{line} {code!r}"
        for name, line, codes in found
        for code in codes
        if code not in known
    ]
    assert not unknown, "\n".join(unknown)


def test_every_kind_of_item_with_a_timeline_has_a_vocabulary():
    assert set(registered_models()) == {
        SUGGESTION,
        MOTION,
        OPINION,
        POLL,
        PROJECT,
        SUPERVISION_ITEM,
        "supervision.budgetquestion",
        "deputies.activity",
        "deputies.receptionsession",
    }
    for model in registered_models():
        assert apps.get_model(model)  # a typo in a registration would label nothing
        for event in events_for(model).values():
            assert isinstance(event, TimelineEvent)
            assert str(event.label) and str(event.staff_label)


def test_the_same_code_means_the_step_of_its_own_item():
    """An opinion's "accepted" is the station taking it up, a suggestion's the unit signing for it."""
    with translation.override("zh-hans"):
        assert str(event_label(OPINION, "accepted")) == "已受理"
        assert str(event_label(SUGGESTION, "accepted")) == "承办单位已签收"
        # The back office's wording where it differs from the public one
        assert str(event_label(SUGGESTION, "registered")) == "登记立案"
        assert str(event_label(SUGGESTION, "registered", staff=True)) == "立案"
        # A code nobody registered: the public reads "recorded", staff see the code itself
        assert str(event_label(SUGGESTION, "teleported")) == "已记录"
        assert event_label(SUGGESTION, "teleported", staff=True) == "teleported"


@pytest.mark.django_db
def test_the_writer_takes_the_enum_member_or_its_code_and_stores_the_code():
    from tests.factories import SuggestionFactory

    suggestion = SuggestionFactory()
    by_member = timeline_write(item=suggestion, action=HandlingEvent.REASSIGNED)
    by_code = timeline_write(item=suggestion, action="reassigned")

    stored = TimelineEntry.objects.filter(pk__in=[by_member.pk, by_code.pk])
    assert list(stored.values_list("action", flat=True)) == ["reassigned", "reassigned"]
    assert all(type(entry.action) is str for entry in stored)
    with translation.override("zh-hans"):
        assert {entry.label for entry in stored} == {"已退回并重新交办"}
        assert by_member.get_action_display() == "已退回并重新交办"
    assert by_member.content_type == ContentType.objects.get_for_model(suggestion)
    assert by_member.event is HandlingEvent.REASSIGNED
