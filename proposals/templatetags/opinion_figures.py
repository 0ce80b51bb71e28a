"""Residents' opinion figures for pages of other apps: a station's page shows its block without
the deputies app importing proposals (it loads this library)."""

from django import template

from proposals.summaries import station_opinion_figures

register = template.Library()


@register.simple_tag
def station_opinions(station_id: int) -> dict:
    """{% station_opinions station.pk as block %}: the station's latest year with opinions and
    its figures (block.year, block.figures), from the summary rows (proposals/summaries.py)."""
    return station_opinion_figures(station_id)
