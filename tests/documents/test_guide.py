"""The customer security guide: the five minimum criteria of PEA-1 in Markdown, HTML and a PDF that reads back."""

from __future__ import annotations

import io

import pypdf

from iotprofile.documents.generate import Documents

SECTIONS = (
    "1. Security features and how to use them",
    "2. Keeping the product secure, during and after the support period",
    "3. Passing the product on, reprovisioning it and disposing of it",
    "4. Managing vulnerabilities",
    "5. Facts for your purchasing decision",
)


def test_markdown_and_html_have_the_five_criteria(router_documents: Documents) -> None:
    files = router_documents.files()
    markdown = files["customer-security-guide.md"].decode()
    html = files["customer-security-guide.html"].decode()
    for section in SECTIONS:
        assert f"## {section}" in markdown
        assert f"<h2>{section}</h2>" in html
    assert "<table>" in html
    assert "http" not in html.split("<body>")[0].replace("http-equiv", "")  # no external assets in the head


def test_pdf_renders_and_reads_back(router_documents: Documents) -> None:
    pdf = router_documents.files()["customer-security-guide.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert text.startswith("Security guide: Acme AX3000 Wi-Fi 6 Router")
    for section in SECTIONS:
        assert section in text
    assert "31 October 2030" in text


def test_record_text_cannot_inject_markup(router_documents: Documents) -> None:
    html = router_documents.files()["customer-security-guide.html"].decode()
    # "Web admin > System > Log" in the support record arrives as text, not as a tag or a quote block.
    assert "Web admin &gt; System &gt; Log" in html
