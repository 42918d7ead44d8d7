def _todo(request, *args, **kwargs):
    raise NotImplementedError


cluster_list = cluster_export = cluster_detail = cluster_edit = _todo
organisation_list = organisation_export = organisation_detail = organisation_edit = _todo
team = cluster_map = import_upload = _todo
