"""Count the sessions already recorded into the report's roll-ups (the triggers keep them current after).

The SQL is sessions.rollups.recount_sql() as it stood when this migration was written, so the migration does not
change when that code does. `manage.py rebuild_report_rollups --check` compares the result with a recount."""

from django.db import migrations

FILL_MONTHS = "INSERT INTO support_sessionmonth (person_id, month, sessions, minutes, signposted, connectedness, hope, identity, meaning, empowerment) SELECT person_id, date_trunc('month', day)::date, SUM(sessions), SUM(minutes), SUM(signposted), SUM(connectedness), SUM(hope), SUM(identity), SUM(meaning), SUM(empowerment) FROM (SELECT s.person_id, (s.occurred_at AT TIME ZONE 'Europe/London')::date, 1, 1 * s.duration_minutes, 1 * (s.signposted_to <> '')::int, 1 * COUNT(a.id) FILTER (WHERE a.area = 'connectedness'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'hope'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'identity'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'meaning'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'empowerment') FROM support_supportsession s LEFT JOIN support_sessionarea a ON a.session_id = s.id WHERE TRUE GROUP BY s.id, s.person_id, s.occurred_at, s.duration_minutes, s.signposted_to) AS d (person_id, day, sessions, minutes, signposted, connectedness, hope, identity, meaning, empowerment) GROUP BY 1, 2"
FILL_DAYS = "INSERT INTO support_sessionday (person_id, day, sessions, minutes, signposted, connectedness, hope, identity, meaning, empowerment) SELECT person_id, day, SUM(sessions), SUM(minutes), SUM(signposted), SUM(connectedness), SUM(hope), SUM(identity), SUM(meaning), SUM(empowerment) FROM (SELECT s.person_id, (s.occurred_at AT TIME ZONE 'Europe/London')::date, 1, 1 * s.duration_minutes, 1 * (s.signposted_to <> '')::int, 1 * COUNT(a.id) FILTER (WHERE a.area = 'connectedness'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'hope'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'identity'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'meaning'), 1 * COUNT(a.id) FILTER (WHERE a.area = 'empowerment') FROM support_supportsession s LEFT JOIN support_sessionarea a ON a.session_id = s.id WHERE TRUE GROUP BY s.id, s.person_id, s.occurred_at, s.duration_minutes, s.signposted_to) AS d (person_id, day, sessions, minutes, signposted, connectedness, hope, identity, meaning, empowerment) GROUP BY 1, 2"


class Migration(migrations.Migration):
    dependencies = [("support", "0010_report_rollups_by_person_month_and_day")]

    operations = [
        migrations.RunSQL(FILL_MONTHS, reverse_sql="DELETE FROM support_sessionmonth"),
        migrations.RunSQL(FILL_DAYS, reverse_sql="DELETE FROM support_sessionday"),
    ]
