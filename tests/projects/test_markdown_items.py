"""Markdown item fields on the items page: rendered as HTML, never raw HTML (issue 19.7b)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.projects import service
from labelpool.web.markdown import markdown_html
from tests.factories import csrf_token, log_in
from tests.projects.conftest import RunJobs

NOTES = """# Release notes

Some **bold** text and a [link](https://example.com/docs).

```python
print("fenced")
```

<script>alert('xss')</script>
<img src=x onerror="alert(2)">
[bad](javascript:alert(3))
"""


def _project_with_notes(db: Session, requester: User, organization: Organization) -> int:
    project = service.create_project(
        db,
        requester,
        organization.id,
        name="Notes",
        data_fields=[{"name": "notes", "kind": "markdown"}, {"name": "plain", "kind": "text"}],
        label_schema={
            "controls": [
                {
                    "name": "ok",
                    "kind": "choice",
                    "title": "Clear?",
                    "target": "notes",
                    "options": [{"value": "y", "label": "Yes"}, {"value": "n", "label": "No"}],
                }
            ]
        },
    )
    db.commit()
    return project.id


def test_markdown_fields_render_as_html_and_text_fields_stay_text(
    client: TestClient, db: Session, requester: User, organization: Organization, run_jobs: RunJobs
) -> None:
    project_id = _project_with_notes(db, requester, organization)
    log_in(client, requester.email)
    row = {"notes": NOTES, "plain": "**not bold** ```"}
    imported = client.post(
        f"/projects/{project_id}/import",
        data={"csrf_token": csrf_token(client)},
        files={"file": ("items.jsonl", (json.dumps(row) + "\n").encode(), "application/json")},
        follow_redirects=False,
    )
    assert imported.status_code == 303
    run_jobs()
    page = client.get(f"/projects/{project_id}?tab=items").text
    assert '<div class="prose item-markdown">' in page
    assert "<strong>bold</strong>" in page
    assert '<a href="https://example.com/docs">link</a>' in page
    assert '<code class="language-python">print(&quot;fenced&quot;)' in page
    assert "```python" not in page, "no raw code fences"
    assert "<h4>Release notes</h4>" in page, "headings sit under the page's own"
    # No raw HTML passes through; a javascript: link is not made a link.
    assert "<script>alert('xss')" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and 'onerror="alert' not in page
    assert 'href="javascript:' not in page
    # A plain text field is still shown as typed.
    assert "**not bold** ```" in page


def test_markdown_html_is_shared_and_safe() -> None:
    html = markdown_html("## A\n<b onclick=x>b</b>", shift=1)
    assert "<h3>A</h3>" in html and "<b onclick" not in html and "&lt;b onclick=x&gt;" in html
