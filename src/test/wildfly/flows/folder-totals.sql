CREATE TABLE IF NOT EXISTS folder_totals (mydate date, rows bigint, note text);
DELETE FROM folder_totals WHERE mydate = DATE '${mydate}';
INSERT INTO folder_totals SELECT DATE '${mydate}', count(*), 'first' FROM t_target WHERE c = DATE '${mydate}';
