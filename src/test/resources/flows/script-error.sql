DELETE FROM t_target WHERE c = DATE '${mydate}';
SELECT 'a; b' AS "not; split";
-- the next statement names a column that does not exist
INSERT INTO t_target (a, b, nope)
VALUES (1, 2, 3);
INSERT INTO t_target VALUES (3, 4, DATE '${mydate}');
