def registry_stats():
    return {}
