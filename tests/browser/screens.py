"""What the screenshot suite checks on a rendered page, in the browser itself.

Each check returns a list of human-readable problems (empty: the page passes):

* **overflow**: the page is wider than the window (a horizontal scroll bar on a phone);
* **clipped**: a button, badge or menu entry cuts its own text off;
* **overlap**: two visible controls (links, buttons, fields) cover each other;
* **untranslated**: a Chinese page shows an English interface string of the catalogue;
* **glyphs**: text with pictographs (emoji) that the installed fonts draw as empty boxes;
* **axe**: axe-core's serious or critical accessibility violations.
"""

import functools
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "src/guanxi/locale/zh_Hans/LC_MESSAGES/django.po"
AXE = ROOT / ".venv/node/node_modules/axe-core/axe.min.js"

_LAYOUT = """() => {
  const problems = [];
  const visible = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
    && el.getClientRects().length > 0;
  const label = (el) => el.innerText || el.value || el.getAttribute('aria-label') || '';
  const name = (el) => el.tagName.toLowerCase()
    + (el.dataset.testid ? `[${el.dataset.testid}]` : '')
    + ` “${label(el).trim().slice(0, 30)}”`;
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    const wide = [...document.querySelectorAll('main *, header *')]
      .filter((el) => visible(el) && el.getBoundingClientRect().right > width + 1)
      .slice(0, 3).map(name);
    const wider = document.documentElement.scrollWidth;
    problems.push(`overflow: page ${wider}px wide in a ${width}px window (${wide.join('; ')})`);
  }
  for (const el of document.querySelectorAll('.btn, button, .badge, nav a')) {
    // Visually hidden on purpose (a form's default submit button, a label for screen readers).
    if (!visible(el) || el.closest('.visually-hidden, [aria-hidden=true]')) continue;
    const style = getComputedStyle(el);
    const cuts = style.overflow !== 'visible' || style.textOverflow === 'ellipsis';
    if (cuts && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2)) {
      problems.push(`clipped: ${name(el)}`);
    }
  }
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea';
  const controls = [...document.querySelectorAll(selector)]
    .filter((el) => visible(el) && !el.closest('.visually-hidden, [aria-hidden=true]'));
  const boxes = controls.map((el) => [el, el.getBoundingClientRect()]);
  for (let i = 0; i < boxes.length; i++) {
    const [a, ra] = boxes[i];
    if (ra.width < 2 || ra.height < 2) continue;
    for (let j = i + 1; j < boxes.length; j++) {
      const [b, rb] = boxes[j];
      if (rb.width < 2 || rb.height < 2 || a.contains(b) || b.contains(a)) continue;
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 3 && y > 3) problems.push(`overlap: ${name(a)} and ${name(b)}`);
    }
  }
  return problems;
}"""

_TEXTS = """() => {
  const texts = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, code, pre, [translate=no]')) continue;
    if (!parent.checkVisibility()) continue;
    // Data in another language (an entry's English name) is marked as such, not interface.
    const marked = parent.closest('[lang]');
    const pageLanguage = document.documentElement.lang;
    if (marked && marked !== document.documentElement && marked.lang !== pageLanguage) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.add(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    for (const attribute of ['placeholder', 'title', 'aria-label']) {
      const value = (el.getAttribute(attribute) || '').trim();
      if (value) texts.add(value);
    }
  }
  return [...texts];
}"""

# Pictographs no installed font draws (emoji); ©, ® and ™ are ordinary text characters.
_PICTOGRAPH = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\ue000-\uf8ff]")


# Shown as they are in both languages: the product's name beside 关系 in the header.
SAME_IN_BOTH = frozenset({"Guanxi"})


@functools.cache
def english_interface_strings() -> frozenset[str]:
    """The English strings of the catalogue that have a different Chinese translation."""
    strings = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.msgstr or "%" in entry.msgid or "{" in entry.msgid:
            continue
        text = " ".join(entry.msgid.split())
        if len(text) >= 4 and re.search("[A-Za-z]{3}", text) and text != entry.msgstr:
            strings.add(text)
    return frozenset(strings - SAME_IN_BOTH)


def layout_problems(page) -> list[str]:
    return list(page.evaluate(_LAYOUT))


def text_problems(page, *, chinese: bool) -> list[str]:
    texts = page.evaluate(_TEXTS)
    problems = [f"glyphs: {text[:40]!r}" for text in texts if _PICTOGRAPH.search(text)]
    if chinese:
        english = english_interface_strings()
        problems += [f"untranslated: {text!r}" for text in texts if text in english]
    return problems


def axe_problems(page) -> list[str]:
    """Serious and critical axe-core violations (the script is evaluated, not injected as a
    tag, so the page's Content-Security-Policy stays as strict as in production)."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run scripts/browser-tools.sh")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter((v) => ['serious', 'critical'].includes(v.impact))
            .map((v) => `${v.id}: ${v.help} (${
              v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`)"""
    )
    return [f"axe {violation}" for violation in violations]
