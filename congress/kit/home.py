"""The home page's figures and blocks, contributed by the apps (congress never imports them).

An app registers a block in its ``figures.py`` (discovered with congress.kit.registry)::

    from congress.kit import home

    @home.block
    def deputies_block(context: dict) -> dict:
        return {"deputy_count": ..., "year": ...}

Each block gets the context the blocks before it made (apps in INSTALLED_APPS order: the deputies'
block sets ``year``, the proposals' reads it) and returns the names it adds for ``home.html``.
"""

from collections.abc import Callable
from typing import Any

from congress.kit import summaries
from congress.kit.registry import Discovery

# A block reads the context so far and returns the names it adds.
Block = Callable[[dict[str, Any]], dict[str, Any]]

_blocks: list[Block] = []
_discovery = Discovery("figures")


def block(func: Block) -> Block:
    if func not in _blocks:
        _blocks.append(func)
    return func


def context() -> dict[str, Any]:
    """The home page's context: every app's block, in order."""
    _discovery.discover()
    result: dict[str, Any] = {}
    with summaries.memo():  # blocks that read the same summary row read it once
        for func in _blocks:
            result.update(func(result))
    return result
