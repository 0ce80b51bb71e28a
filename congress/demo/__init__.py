"""Demo data for `manage.py load_demo`: Pinghu's 16th congress in 2022.

The data is a pipeline of steps run in order inside one transaction. Each step has a
`load(ctx)` function: it builds its rows from a seeded random generator (`ctx.rng(name)`), writes
them with `sync_rows` / `sync_m2m` so that a second run changes nothing, and leaves on `ctx` what
later steps need. Each app registers its own steps from its `demo.py` with
`register(Step(...))` (congress/demo/base.py); this package never imports an app.
What is modelled and what is assumed: see NOTES.md next to this file.
"""

from congress.demo.base import DemoContext, Step, app_step, register, steps

DEFAULT_PASSWORD = "pinghu-demo-2022"  # noqa: S105 - printed on purpose: it is the demo's login

__all__ = ["DEFAULT_PASSWORD", "DemoContext", "Step", "app_step", "register", "run", "steps"]


def run(ctx: DemoContext) -> None:
    for step in steps():
        step.load(ctx)
