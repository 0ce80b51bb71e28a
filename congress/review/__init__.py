"""The annual work review (年度工作回眸): figures computed from the year's data, pages and PDF.

Modules:
    registry  the figure registry other apps contribute to (read its docstring first)
    (figures  each app contributes its own in <app>/figures.py: deputies, proposals, supervision)
    charts    server-drawn SVG charts (horizontal bars, monthly columns)
    markup    Markdown → sanitised HTML for section narratives
    building  assembles a review with its figures for a page or the PDF
    pdf       WeasyPrint rendering, the PDF cache and the background task
    services  publish / unpublish
"""
