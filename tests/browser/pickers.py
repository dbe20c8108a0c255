"""Choosing a record in an autocomplete picker the way a keyboard user does."""


def pick(page, box: str, text: str, label: str) -> None:
    """Type ``text`` into the picker ``box`` (a selector), then with the arrow keys and Enter
    choose the option whose first line is ``label``."""
    page.fill(box, "")
    page.locator(box).press_sequentially(text, delay=20)
    listbox = "#" + page.get_attribute(box, "aria-controls")
    page.locator(f"{listbox} [role=option]", has_text=label).first.wait_for()
    labels = page.locator(f"{listbox} [role=option] .picker-label").all_inner_texts()
    for _ in range(labels.index(label)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(box) => document.querySelector(box).closest('[data-picker]')"
        ".querySelector('[data-picker-value]').value !== ''",
        arg=box,
    )
