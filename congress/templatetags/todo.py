from django import template

from congress.kit import todo

register = template.Library()


@register.simple_tag(takes_context=True)
def todo_items(context):
    request = context.get("request")
    return todo.items_for(request) if request is not None else []
