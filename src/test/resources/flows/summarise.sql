-- Written for the reference system: variables such as $${mydate}, several statements, a dollar-quoted body.
CREATE TABLE IF NOT EXISTS t_daily (c date, n bigint, note text);
DELETE FROM t_daily WHERE c = DATE '${mydate}';
INSERT INTO t_daily
SELECT c, count(*), 'loaded; from ${region}' FROM t_target WHERE c = DATE '${mydate|yyyy-MM-dd}' GROUP BY c;
DO $$ BEGIN
  IF (SELECT count(*) FROM t_daily) = 0 THEN RAISE NOTICE 'nothing; yet'; END IF;
END $$;
