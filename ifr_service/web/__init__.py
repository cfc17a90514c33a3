"""The pages people use in a browser (pages.py), and what they share: sign-in, form fields,
charts, templates and the NHS.UK frontend's assets."""
