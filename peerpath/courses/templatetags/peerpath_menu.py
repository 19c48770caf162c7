"""`{% main_menu as menu %}`: what the main menu offers the person signed in."""

from django import template

from peerpath.courses.navigation import Menu, menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> Menu:
    request = context.get("request")
    return menu_for(request) if request is not None else Menu()
