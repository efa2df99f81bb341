# People and session notes are not in the Django admin: they are read only through Chime's own pages,
# where the access layer decides who sees what.
