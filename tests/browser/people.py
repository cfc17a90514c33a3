"""What a person does in the browser: sign in, use only the keyboard, check a page with axe-core."""

from __future__ import annotations

from ifr_service.config import PROJECT_ROOT

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
MOST_TABS = 200  # far more than any page here has stops; a control further away is unreachable


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now. axe is put in every page
    before its own scripts (the `page` fixture), as the pages' CSP refuses scripts added later."""
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in results["violations"] if violation["impact"] in ("serious", "critical")]


# The rules every page must pass: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def all_violations(page) -> list[str]:
    """Every axe-core violation on the page as it is now, at any impact level, of the WCAG 2.0, 2.1
    and 2.2 A and AA rules and axe's best practices: minor and moderate findings count too."""
    results = page.evaluate("async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                            "resultTypes: ['violations']})", AXE_TAGS)
    return [f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(str(node["target"][0]) for node in violation["nodes"][:3])
            for violation in results["violations"]]


def sign_in(page, display_name: str) -> None:
    page.goto("/sign-in")
    page.get_by_label(display_name).check()
    page.get_by_role("button", name="Sign in").click()


def tab_to(page, selector: str) -> None:
    """Move focus with the Tab key alone until it reaches the control `selector` matches."""
    for _ in range(MOST_TABS):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the Tab key never reaches {selector} on {page.url}")


def type_into(page, name: str, text: str) -> None:
    """Tab to the field and type, replacing what it held (a prefilled answer, say)."""
    tab_to(page, f'[name="{name}"]')
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a group of radios, then move to the option with the arrow keys, as people do."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    for _ in range(20):
        if page.evaluate("() => document.activeElement.value") == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value} in the radios {name}")


def tick(page, name: str) -> None:
    tab_to(page, f'input[type=checkbox][name="{name}"]')
    page.keyboard.press("Space")


def choose_option(page, name: str, label: str) -> None:
    """Choose an option of a select by typing the start of its text while the select has focus."""
    tab_to(page, f'select[name="{name}"]')
    page.keyboard.type(label)
    chosen = page.evaluate("() => document.activeElement.selectedOptions[0].text")
    assert chosen == label, f"typing {label!r} chose {chosen!r}"


def choose_from_autocomplete(page, name: str, label: str) -> None:
    """Type part of a name into a select made an autocomplete (web/own_assets/autocomplete.js) and take
    the suggestion with the Enter key; a select that was not enhanced is chosen from as it is."""
    select = page.locator(f'select[name="{name}"]')
    if select.is_visible():
        choose_option(page, name, label)
        return
    box = select.get_attribute("id").removesuffix("-select")
    tab_to(page, f"#{box}")
    page.keyboard.type(label[: max(4, len(label) // 2)])
    page.locator(f"#{box}__listbox .autocomplete__option", has_text=label).first.wait_for()
    while page.evaluate("() => document.activeElement.textContent.trim()") != label:
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = page.evaluate("s => document.querySelector(s).selectedOptions[0].text", f'select[name="{name}"]')
    assert chosen == label, f"the autocomplete chose {chosen!r}, not {label!r}"


def press(page, text: str) -> None:
    """Tab to the button or link whose words are `text` and press Enter."""
    for _ in range(MOST_TABS):
        if page.evaluate("t => { const e = document.activeElement; return !!e && "
                         "['BUTTON', 'A'].includes(e.tagName) && e.textContent.trim() === t; }", text):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the Tab key never reaches {text!r} on {page.url}")


def fill_in_by_keyboard(page, section, answers: dict, names: dict[str, str]) -> None:
    """Answer a section of the application with the keyboard alone. `names` gives the text a
    select shows for a coded answer (a commissioner's name for its code)."""
    for field in section.fields:
        value = answers.get(field.key)
        if value is not None:
            answer_by_keyboard(page, field, f"{section.key}.{field.key}", value, names)


def answer_by_keyboard(page, field, path: str, value, names: dict[str, str]) -> None:
    if field.type == "date":
        year, month, day = value.split("-")
        for part, text in (("day", day), ("month", month), ("year", year)):
            type_into(page, f"{path}[{part}]", text)
    elif field.type == "boolean":
        tick(page, path) if field.rules.get("must_be") else choose_radio(page, path, "yes" if value else "no")
    elif field.type == "choice":
        choose_radio(page, path, str(value))
    elif field.type == "commissioner":
        choose_from_autocomplete(page, path, names[value])
    elif field.type == "list" and field.item.type == "group":
        for row, item in enumerate(value):
            if row:
                press(page, f"Add another to {field.label.lower()}")
            for child in field.item.fields:
                type_into(page, f"{path}.{row}.{child.key}", item[child.key])
    elif field.type == "list":
        type_into(page, path, "\n".join(value))
    else:
        type_into(page, path, str(value))


def assert_no_sideways_scroll(page) -> None:
    """The page fits its viewport's width (a phone is 375 px): nothing makes it scroll sideways,
    as the NHS.UK responsive table pattern and the layout's grid promise."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    width = page.viewport_size["width"]
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at {width} px wide"


# The treatment and diagnosis of docs/examples/ifr-application.json: no policy in the library covers them.
EXAMPLE_TREATMENT, EXAMPLE_ICD10 = "Example kinase inhibitor 600 mg capsules", "C34.1"


def pass_the_policy_check(page, treatment: str = EXAMPLE_TREATMENT, icd10: str = EXAMPLE_ICD10,
                          by_keyboard: bool = False) -> None:
    """From "Start now" on: the "is this an IFR?" check answered with a treatment no policy covers,
    and on to the new draft's task list."""
    if by_keyboard:
        type_into(page, "intervention", treatment)
        type_into(page, "icd10", icd10)
        press(page, "Check")
        press(page, "Continue to the application")
        return
    page.get_by_label("Name of the treatment").fill(treatment)
    page.get_by_label("ICD-10 code of the diagnosis").fill(icd10)
    with page.expect_navigation():
        page.get_by_role("button", name="Check", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the application").click()
