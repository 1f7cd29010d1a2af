from colombe.core.markdown import render_markdown


def test_markdown_renders_formatting() -> None:
    assert render_markdown("**paix**") == "<p><strong>paix</strong></p>\n"


def test_markdown_strips_scripts_and_dangerous_links() -> None:
    html = render_markdown(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    # Raw HTML is shown as text, never as markup; dangerous links are not links.
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_html_allowed_by_the_sanitiser_still_goes_through_nh3() -> None:
    html = render_markdown("[site](https://example.org)\n\n| a |\n|---|\n| b |")
    assert "<table>" in html
    assert '<a href="https://example.org"' in html


def test_links_get_rel_nofollow() -> None:
    assert 'rel="nofollow noopener noreferrer"' in render_markdown("[site](https://example.org)")
