import rules

from .models import Consortium, ConsortiumAccess


@rules.predicate
def works_in_consortium(user, consortium) -> bool:
    if not isinstance(consortium, Consortium) or not user.is_authenticated:
        return False
    return ConsortiumAccess.objects.filter(consortium=consortium, user=user).exists()


rules.add_perm("partnering.view_consortium", rules.is_staff | works_in_consortium)
rules.add_perm("partnering.change_fundingcall", rules.is_staff)
rules.add_perm("partnering.add_fundingcall", rules.is_staff)
