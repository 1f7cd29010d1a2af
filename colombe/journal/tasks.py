"""Background work of the journal: the print PDF takes longer than a web request may."""

from django_tasks import task

from colombe.journal import pdf


@task()
def render_edition_pdf(edition_id: int) -> None:
    pdf.generate(edition_id)
