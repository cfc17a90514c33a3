"""The baseline job, in a module of its own that imports nothing, so a work-horse finds it at once."""


def no_op() -> None:
    """rq's own cost of taking, running and acknowledging a job."""
