"""The job status page and the fragment the starting page polls (htmx, every second until it finishes)."""

from django.contrib.auth.decorators import login_required

from zhifa.core.htmx import render_page_or_fragment
from zhifa.jobs.selectors import job_get_for_user, job_view


@login_required
def job_status(request, job_id):
    view = job_view(job_get_for_user(request.user, job_id))
    return render_page_or_fragment(request, "jobs/job_page.html", "jobs/job_status.html", {"v": view})
