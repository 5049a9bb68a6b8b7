"""Seeded, streamed synthetic labeling-tool export in the tool-neutral event log format.

Writes JSON Lines that validate against ``dagster_project/lib/event_log.schema.json``::

    from dagster_project.lib.synthetic import generate, GenerationSummary, CASE_STUDIES
    summary = generate(out_dir, events=50_000, seed=7, start=date(2026, 9, 7), weeks=8,
                       plant_case_studies=True, progress=None)

Layout: ``out_dir/events/<project_id>/<ISO year>-W<ww>.jsonl``, one file per project and ISO
week of the task's *creation* (a task's later events stay in that file). Earlier output of
this layout for these projects in ``out_dir`` is removed first, so runs never mix.

Determinism: the same arguments give byte-identical files. Everything is drawn from
``random.Random(seed)`` (background) and ``random.Random(f"annolytics-planted-{seed}")``
(planted block); keys are written in a fixed order (the schema's), compact separators.

Volume and memory: ``events`` is a target; the total lands within +-2 % (in practice within a
few events) because each (week, project, day) slot is sized from the budget still open and the
running events-per-task average. Tasks are simulated one at a time and written at once; one
file is open at a time. Memory does not grow with ``events`` (tests/unit/test_generator.py).
Teams grow with the volume (about 240 background tasks per annotator), so per-person figures
look alike at 50k and at 10M events.

Event semantics (what the warehouse's SQL relies on):

* ids: project ``proj-<name>``, task ``<project>-t<n>``, annotation ``<task>-a<n>``, issue
  ``<task>-i1``, event ``<project>-e<n>`` (one sequence per project, so unique everywhere).
  ``source_tool`` is ``synthetic``; actors are ``first.last@<domain>`` emails or ``system``;
  ``actor_role`` is annotator, reviewer or system. Timestamps: ``2026-09-07T09:14:03Z``.
* Per task, in time order: ``task_created`` and ``stage_entered`` annotate (system);
  ``annotation_started`` and ``annotation_submitted`` (``duration_s`` = lead time, ``labels``,
  ``object_count``, ``vertex_count``, ``guideline_version``, ``confidence`` in the choice
  projects) or rarely ``annotation_skipped`` (then mostly reassigned to someone else);
  ``stage_left`` annotate (the last submitter).
* ~8 % of tasks get a second (30 % of those a third) annotator on the same scene: same
  classes, jittered boxes, rare misses/confusions. ~2 % are ground-truth items: a lead's
  ``is_ground_truth: true`` annotation (always accepted) plus a regular annotation.
* Review (all projects but ``proj-sentiment``, which spot-checks 25 %; never for the
  unreviewed contractor): ``stage_entered`` review (system) at the last submit, a queue wait,
  then per annotation ``review_accepted`` / ``review_rejected`` (reviewer, ``duration_s`` =
  review time). After a rejection either ``review_fixed`` by the reviewer (a correction, new
  labels) or ``annotation_updated`` by the author (rework, ``duration_s`` adds to lead time)
  and another review (up to 5 rounds). Rarely a lead edits someone's annotation with
  ``annotation_updated`` (actor != author: a correction). ``stage_left`` review at the end.
  Author rework carries stage annotate, a lead's edit stage review.
  *Correction* = ``review_fixed`` or ``annotation_updated`` by someone other than the author.
* ~5 % of tasks raise an issue (``issue_raised`` with ``issue_tag`` and ``text``; 20 % have no
  tag but a text implying one), ~82 % get ``issue_resolved`` (same ``issue_id``), some get a
  ``comment_added`` reply; ~2.5 % of tasks get a stand-alone ``comment_added``.
* Realism: six projects (streets, retail, aerial: bbox/polygon; medical, docs, sentiment:
  ``choice``, vertices 0), classes with their own difficulty and time per object, polygons
  slower per vertex, 1-30 objects per scene (skewed), annotators with their own speed, error
  rate and workload, lognormal noise, rare forgotten tabs (hours), work on weekdays 08-18 with
  light weekend activity, backlogs drained the next morning.

Case studies (``CASE_STUDIES``, see ``case_studies.py``): a fixed block of 757 scripted tasks,
**6,071 events**, counted inside ``events``. It is also the minimum: with
``plant_case_studies=True`` and ``events`` below 6,071 only the case studies are written.
Planting needs six full ISO weeks from the first Monday on/after ``start`` (ValueError
otherwise).
"""

from dagster_project.lib.synthetic.case_studies import CASE_STUDIES, CASE_STUDY_WEEKS, CaseStudy
from dagster_project.lib.synthetic.generator import GenerationSummary, generate

__all__ = ["CASE_STUDIES", "CASE_STUDY_WEEKS", "CaseStudy", "GenerationSummary", "generate"]
