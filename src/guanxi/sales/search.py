"""Search keys of products: name (with its pinyin and initials), code and model 型号.

The catalogue is searched by a plain substring test on one normalised column, the way customers
are (``customers.search.keys``): 螺纹钢 is found by ``luowengang``, ``lwg``, its code or model.
"""

from guanxi.customers.search.keys import SEPARATOR, name_keys, normalise


def product_search_text(*, name: str, code: str = "", model_no: str = "", grade: str = "") -> str:
    keys = [*name_keys(name), normalise(code), normalise(model_no), normalise(grade)]
    unique = SEPARATOR.join(dict.fromkeys(key for key in keys if key))
    return f"{SEPARATOR}{unique}{SEPARATOR}" if unique else ""


def product_search_term(search: str) -> str:
    """What ``Product.search_text`` must contain to match ``search``."""
    return normalise(search)


def lead_search_text(*, name: str, company: str = "") -> str:
    """``Lead.search_text``: the person's and the company's names with their pinyin and
    initials (张伟 ← ``zhangwei``, ``zw``); phone and e-mail are searched on their own columns."""
    keys = [*name_keys(name), *name_keys(company)]
    unique = SEPARATOR.join(dict.fromkeys(key for key in keys if key))
    return f"{SEPARATOR}{unique}{SEPARATOR}" if unique else ""
