"""The RQ worker class: builds the app and imports WeasyPrint once, before forking."""

from rq.worker import Worker

from cloudmanager.infra import queue


class AppWorker(Worker):
    """An RQ worker whose forked job processes inherit a ready app."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        queue.worker_app()
        try:
            import weasyprint  # noqa: F401  (slow import: pay it once per worker)
        except OSError:  # Pango missing: PDF jobs will fail and say why
            pass
