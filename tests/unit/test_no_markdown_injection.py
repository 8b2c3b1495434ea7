"""A search of the screens for markdown that formats outside text without backcheck.text.md.

Every message call (st.markdown / warning / error / info / success / toast / caption / write /
header / subheader / title / expander, the form check's advice ``box`` and the pages' ``flash``)
and every HTML sink (st.html, st.iframe and ``ui.page_script``)
is read with the ast module. Each value put into its text must be wrapped in ``md(...)`` /
``md_list(...)``, be a number or date helper, come from the validated content (``lib``, ``rules``,
``book``, ``cfg``, ``safety``...), or be on the reviewed list below. A new message that puts a
name, a note, a CSV value, a URL value or an exception's text into markdown fails this test
until it goes through ``md`` (or, if the value really is ours, is reviewed and listed here).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("backcheck/*ui.py"), ROOT / "app.py"])  # ui.py, phone_ui.py
MESSAGE_CALLS = {"markdown", "warning", "error", "info", "success", "toast", "caption", "write", "header",
                 "subheader", "title", "expander", "box", "flash"}
SAFE_CALLS = {"md", "md_list"}
# HTML sinks: md() escapes markdown, not HTML, so here only html.escape(...) makes a value safe.
HTML_CALLS = {"html", "iframe", "page_script"}
HTML_SAFE_CALLS = {"escape"}
# Numbers, dates and the validated content (content/*.yaml, checked at start-up).
TRUSTED = re.compile(r"^(len|ui\.fmt_when|int|math\.ceil|fmt_day|fmt_day_month|fmt_minutes)\("
                     r"|^(lib|rules|book|cfg|safety|s|cal|LIB)[.\[]")

# Reviewed: each of these is our own text, a number or date, or content (loop variables over it).
ALLOWED = {
    # Reviewed after merging issues 8, 11, 12 and 15: content, numbers, dates and our own wording.
    'ui.py: figure_svg(book, item_id, figure_label(item_id, kind), kind=kind, uid=f"{kind or \'x\'}-{item_id}",\n                           max_width=max_width)',
    'ui.py: label',
    'ui.py: DISCLAIMER',  # our own constant wording (sidebar and sign-in screen)
    'ui.py: ln.question',
    'ui.py: ln.advice',
    'ui.py: screen[0].upper()',
    'ui.py: screen[1:]',
    'ui.py: fmt_when(gate.taken_at)',
    'ui.py: screen',
    # Reviewed (issue 10): the safety wording's one home, backcheck/safety.py (our own text).
    'ui.py: NEW_QUESTIONS',
    'ui.py: withheld_headline(screen)',
    'ui.py: REDO_AFTER_FLAG',
    'safety.py: outdated_message("the exercises")',
    'safety.py: WITHHELD',
    'safety.py: REDO_AFTER_FLAG',
    # Reviewed (issue 10): Home and My routine draw what backcheck.services returns - numbers, dates,
    # content names and our own wording (statuses, the warning-sign line, the fit line).
    'home.py: week.this_week',
    'home.py: week.goal',
    'home.py: week.goal_source',
    'home.py: view.flag_summary',
    'home.py: step.title',
    'home.py: step.blurb',
    'home.py: step.status',
    'home.py: week.done_today[-1]',
    'routine.py: week.goal_source',
    'routine.py: done_today[-1]',
    'routine.py: fit.text',
    'home.py: week',
    'home.py: target',
    'home.py: ui.library().safety.levels[gate.result.level].headline',
    'home.py: datetime.now()',
    'home.py: c.text',
    'home.py: why',
    'home.py: act.state.item',
    "home.py: done_today[0].done_at",
    # Reviewed (issue 15): an exercise's text joined into one element - content cues, doses,
    # progressions, the routine's reasons and swaps, equipment labels and citations; no outside text.
    'library.py: parts',
    'routine.py: parts',
    'routine.py: notes',
    'routine.py: count',  # this week's session count and the goal: numbers and our wording
    'library.py: ex.progression.text',
    'pain_log.py: ov.entry_count',
    'pain_log.py: shown',
    'pain_log.py: about',  # issue 15: our sentence with the counts of entries listed and logged
    'pain_log.py: recent.markdown',  # issue 15: painlog.entries_markdown, every cell through md(), notes left out
    'pain_log.py: each',
    'posture_quiz.py: check_from',
    'routine.py: line',
    'routine.py: item.name',  # issue 14: a routine item's exercise name (content) in its card's label
    'routine.py: lvl',
    'routine.py: prog.text',
    'session.py: item.name',
    'session.py: item.dose',
    'session.py: level',
    'session.py: cue',
    'session.py: where',
    'session.py: n_done',
    "session.py: r['name']",
    "session.py: r['dose']",
    "session.py: P.Outcome.label_of(r['outcome'], 'Not done')",
    'session.py: msg',
    'session.py: ex.caution',
    'session.py: v.next_name',
    'app.py: problem',
    'form_check.py: a.text',
    'form_check.py: body',
    'form_check.py: check.name',
    'form_check.py: checked_count',
    'form_check.py: cite(a)',
    'form_check.py: count',
    'form_check.py: f.cue',
    'form_check.py: f.name',
    'form_check.py: fault.cue',
    'form_check.py: fault.how_to_check',
    'form_check.py: fault.why',
    'form_check.py: group.explanation',
    'form_check.py: group.focus',
    'form_check.py: group.name',
    'form_check.py: i',
    'form_check.py: lead',
    'form_check.py: lines',
    'form_check.py: movement.intro',
    'form_check.py: movement.name',
    'form_check.py: movement_name[f.movement]',
    'form_check.py: note',
    'form_check.py: noun',
    'form_check.py: skipped_then',
    'form_check.py: step',
    'form_check.py: title',
    'home.py: blurb',
    'home.py: status',
    'home.py: title',
    'library.py: cue',
    'library.py: ex.caution',
    'library.py: ex.dose.text',
    'library.py: ex.summary',
    'library.py: extra',
    'library.py: i',
    'library.py: label',
    'library.py: needs',
    'library.py: origin',
    'pain_log.py: added',
    'pain_log.py: c.days_with',
    'pain_log.py: c.days_without',
    'pain_log.py: c.label',
    'pain_log.py: c.sentence()',
    'pain_log.py: entry.pain',
    'pain_log.py: extra',
    'pain_log.py: message',
    'pain_log.py: period',
    'pain_log.py: pl.comparison_note(rules)',
    'pain_log.py: pl.rule_text(rules)',
    'pain_log.py: summary.sentence(lib.source_by_id[lib.sessions_goal_source].short)',
    'pain_log.py: summary.weeks_text(5)',  # issue 15: dates and counts
    "pain_log.py: undo.pain",
    'pain_log.py: v.detail',
    "pain_log.py: v.headline.rstrip('.')",
    'pain_log.py: v.needed',
    'pain_log.py: what',
    'posture_quiz.py: AVOID_WORD[avoid.kind]',
    'posture_quiz.py: INTRO',
    'posture_quiz.py: SETTING_TITLE[setting]',
    'posture_quiz.py: STRENGTH_TEXT.get(score.strength, score.strength)',
    'posture_quiz.py: avoid.reason',
    'posture_quiz.py: c.answer',
    'posture_quiz.py: c.question',
    'posture_quiz.py: group.why',
    'posture_quiz.py: missing',
    'posture_quiz.py: names',
    'posture_quiz.py: pattern.description',
    'posture_quiz.py: pattern.name',
    'posture_quiz.py: q.how_to_check',
    'posture_quiz.py: quiz.scoring.min_answered',
    'posture_quiz.py: result.answered',
    'posture_quiz.py: result.total',
    'posture_quiz.py: tip',
    'posture_quiz.py: title',
    'posture_quiz.py: when',
    "profiles.py: c.entries",
    "profiles.py: c.sessions",
    'profiles.py: message',
    'profiles.py: p.created_at',
    'routine.py: WEEKDAY_LABEL[d]',
    'routine.py: at',
    'routine.py: block_intro(rules, routine, block)',
    'routine.py: cue',
    "routine.py: done_today[-1].done_at",
    'routine.py: fault_names',
    "routine.py: fault_names or 'none'",
    'routine.py: first',
    'routine.py: flags[fid].advice',
    'routine.py: flags[fid].question',
    'routine.py: item.dose',
    'routine.py: item.exercise.caution',
    'routine.py: item.minutes',
    'routine.py: lo.because',
    'routine.py: lo.name',
    'routine.py: lo.reason',
    'routine.py: meta.title',
    'routine.py: names',
    "routine.py: names or 'no posture pattern'",
    'routine.py: note.text',
    'routine.py: reason.text',
    'routine.py: routine.block_minutes(block)',
    'routine.py: routine.budget',
    'routine.py: routine.inputs.pain',
    'routine.py: routine.spare_minutes',
    'routine.py: swap',
    'routine.py: target',
    'routine.py: this_week',
    'safety.py: flag.advice',
    'safety.py: flag.question',
    'safety.py: map(str, missing)',
    'ui.py: again',
    'ui.py: had',
    'ui.py: library().cite(source_id)',
    'ui.py: limit',
    'ui.py: section',
    'ui.py: what',
    # Reviewed (issue 15): HTML sinks are searched too (st.html, st.iframe, ui.page_script). The page
    # scripts are app-owned constants (page_script's callers are searched in turn); the session
    # player's lines are content names, numbers and our own wording.
    'ui.py: script',
    'ui.py: _CLOSE_SIDEBAR.format(n=n)',
    'session.py: prev.name',
    'session.py: big',
    'session.py: sub',
    'session.py: paused',
    'session.py: P.seconds_text(live.remaining)',
}


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _values(node: ast.expr, safe: set[str] = SAFE_CALLS) -> list[ast.expr]:
    """The parts of a message's text that are not literal text and not already escaped."""
    if isinstance(node, ast.Constant):
        return []
    if isinstance(node, ast.JoinedStr):
        return [v for part in node.values for v in _values(part, safe)]
    if isinstance(node, ast.FormattedValue):
        return _values(node.value, safe)
    if isinstance(node, ast.BinOp):
        return _values(node.left, safe) + _values(node.right, safe)
    if isinstance(node, ast.IfExp):
        return _values(node.body, safe) + _values(node.orelse, safe)
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        return _values(node.elt, safe)
    if isinstance(node, ast.Call):
        if _name(node.func) in safe:
            return []
        if _name(node.func) in ("join", "note"):  # note(): the pain log's caption-like ending, markdown as given
            return [v for arg in node.args for v in _values(arg, safe)]
    return [node]


def unescaped_values(files: list[Path] = FILES, root: Path = ROOT) -> list[str]:
    found = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        for call in ast.walk(ast.parse(source)):
            name = _name(call.func) if isinstance(call, ast.Call) else None
            if not (name in MESSAGE_CALLS | HTML_CALLS and call.args):
                continue
            text = call.args[-1] if name == "flash" else call.args[0]
            for value in _values(text, HTML_SAFE_CALLS if name in HTML_CALLS else SAFE_CALLS):
                segment = ast.get_source_segment(source, value) or ""
                if not TRUSTED.search(segment) and f"{path.name}: {segment}" not in ALLOWED:
                    found.append(f"{path.relative_to(root)}:{value.lineno}: {segment}")
    return found


def test_no_message_formats_outside_text_without_md():
    assert unescaped_values() == [], "wrap these in backcheck.text.md(...) (or review and allow-list them)"


def test_the_search_catches_an_unescaped_name(tmp_path):
    page = tmp_path / "x.py"
    page.write_text('st.error(f"A profile called {profile.name} exists")\nst.warning("x: " + str(exc))\n'
                    'st.info(f"ok {md(profile.name)} {len(rows)} {lib.cite(x)}")\nflash("success", f"{note}")\n')
    assert unescaped_values([page], tmp_path) == ["x.py:1: profile.name", "x.py:2: str(exc)", "x.py:4: note"]


def test_the_search_reads_html_sinks_where_md_is_not_enough(tmp_path):
    """st.html / st.iframe / ui.page_script: md() escapes markdown, not HTML; only html.escape() counts."""
    page = tmp_path / "x.py"
    page.write_text('st.html(f"<b>{profile.name}</b>")\nst.html(f"<b>{md(profile.name)}</b>")\n'
                    'st.html(f"<b>{html.escape(profile.name)}</b> {len(rows)}")\nst.iframe(note)\n'
                    'ui.page_script("<script>1</script>")\n')
    assert unescaped_values([page], tmp_path) == ["x.py:1: profile.name", "x.py:2: md(profile.name)", "x.py:4: note"]
