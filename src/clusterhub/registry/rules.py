import rules

from .models import ClusterOrganisation, Organisation, ProfileTeamMember


@rules.predicate
def is_profile_team_member(user, obj) -> bool:
    if obj is None or not user.is_authenticated:
        return False
    if isinstance(obj, ClusterOrganisation):
        obj = obj.organisation
    if not isinstance(obj, Organisation):
        return False
    return ProfileTeamMember.objects.filter(organisation=obj, user=user).exists()


is_platform_staff = rules.is_staff

rules.add_perm("registry.change_organisation", is_platform_staff | is_profile_team_member)
rules.add_perm("registry.change_clusterorganisation", is_platform_staff | is_profile_team_member)
rules.add_perm("registry.delete_organisation", is_platform_staff)
rules.add_perm("registry.add_organisation", rules.is_authenticated)
rules.add_perm("registry.import_data", is_platform_staff)
