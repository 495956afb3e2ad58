"""Report -> terminal (rich), Markdown, JSON, self-contained HTML."""

FORMATS = ("terminal", "markdown", "json", "html")


def render(report, fmt: str) -> str:
    if fmt == "json":
        from .json import to_json

        return to_json(report)
    if fmt == "markdown":
        from .markdown import to_markdown

        return to_markdown(report)
    if fmt == "html":
        from .html import to_html

        return to_html(report)
    raise ValueError(fmt)
