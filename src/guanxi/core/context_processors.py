from guanxi.core.navigation import menus_for, navigation_for


def navigation(request):
    """The entries the signed-in user may use: flat (``navigation``), and as the header shows
    them, top-level links and menus (``nav_links``, ``nav_menus``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "nav_links": [], "nav_menus": []}
    items = navigation_for(user)
    links, menus = menus_for(user, items)
    return {"navigation": items, "nav_links": links, "nav_menus": menus}
