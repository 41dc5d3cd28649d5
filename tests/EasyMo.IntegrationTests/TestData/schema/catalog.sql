-- The schema of a database as sorted lines, one per object or property, so that two databases compare line by line
-- whatever order their objects were created in (the migrations' tests: SchemaCatalog.cs). Everything in the public
-- schema: tables and their column order, columns (type, nullability, default, identity, generated, collation),
-- constraints, indexes, extended statistics, functions, triggers, rules, sequences, views, types, row-level security,
-- comments, and the installed extensions. Definitions come from PostgreSQL's own pg_get_*def functions.
-- Inspect a database with: psql -X -A -t -f catalog.sql
WITH tables AS (
    SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.reloptions, c.relrowsecurity, c.relforcerowsecurity
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
),
columns AS (
    SELECT t.relname, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated,
           a.attcollation, a.attrelid
    FROM tables t
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
)
SELECT line FROM (
    SELECT format('table %s kind %s persistence %s options %s rls %s/%s', t.relname, t.relkind, t.relpersistence,
                  coalesce(t.reloptions::text, '{}'), t.relrowsecurity, t.relforcerowsecurity) AS line
    FROM tables t
    UNION ALL
    SELECT format('table %s columns (%s)', relname, string_agg(attname, ', ' ORDER BY attnum))
    FROM columns GROUP BY relname
    UNION ALL
    SELECT format('column %s.%s %s%s%s%s%s%s', col.relname, col.attname, format_type(col.atttypid, col.atttypmod),
                  CASE WHEN col.attnotnull THEN ' not null' ELSE '' END,
                  CASE WHEN d.adbin IS NOT NULL AND col.attgenerated = ''::"char" THEN ' default ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END,
                  CASE WHEN col.attidentity <> ''::"char" THEN ' identity ' || col.attidentity::text ELSE '' END,
                  CASE WHEN col.attgenerated <> ''::"char" THEN ' generated ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END,
                  CASE WHEN col.attcollation <> 0 AND col.attcollation <> ty.typcollation
                       THEN ' collate ' || (SELECT collname FROM pg_collation WHERE oid = col.attcollation) ELSE '' END)
    FROM columns col
    JOIN pg_type ty ON ty.oid = col.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = col.attrelid AND d.adnum = col.attnum
    UNION ALL
    SELECT format('constraint %s.%s %s%s', t.relname, con.conname, pg_get_constraintdef(con.oid),
                  CASE WHEN con.condeferrable THEN ' deferrable' ELSE '' END)
    FROM pg_constraint con JOIN tables t ON t.oid = con.conrelid
    UNION ALL
    SELECT format('index %s %s%s', i.relname, pg_get_indexdef(i.oid),
                  CASE WHEN NOT x.indisvalid THEN ' INVALID' ELSE '' END)
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE i.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('statistics %s %s kinds %s target %s', s.stxname, pg_get_statisticsobjdef(s.oid), s.stxkind::text,
                  coalesce(s.stxstattarget::text, 'default'))
    FROM pg_statistic_ext s
    WHERE s.stxnamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('function %s(%s) %s', p.proname, pg_get_function_identity_arguments(p.oid),
                  CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid) ELSE 'aggregate' END)
    FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('trigger %s.%s %s%s', c.relname, tg.tgname, pg_get_triggerdef(tg.oid),
                  CASE tg.tgenabled WHEN 'O' THEN '' ELSE ' enabled ' || tg.tgenabled::text END)
    FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
    WHERE c.relnamespace = 'public'::regnamespace AND NOT tg.tgisinternal
    UNION ALL
    SELECT format('rule %s.%s %s', r.tablename, r.rulename, r.definition)
    FROM pg_rules r WHERE r.schemaname = 'public'
    UNION ALL
    SELECT format('sequence %s %s start %s min %s max %s increment %s cycle %s cache %s owned by %s', c.relname,
                  format_type(s.seqtypid, NULL), s.seqstart, s.seqmin, s.seqmax, s.seqincrement, s.seqcycle, s.seqcache,
                  coalesce((SELECT t.relname || '.' || a.attname
                            FROM pg_depend dep
                            JOIN pg_class t ON t.oid = dep.refobjid
                            JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
                            WHERE dep.objid = c.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
                            LIMIT 1), 'nothing'))
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
    WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('view %s kind %s %s', c.relname, c.relkind, pg_get_viewdef(c.oid))
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
    UNION ALL
    SELECT format('type %s kind %s%s', ty.typname, ty.typtype,
                  CASE ty.typtype
                      WHEN 'e' THEN ' labels ' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                                   FROM pg_enum e WHERE e.enumtypid = ty.oid)
                      WHEN 'd' THEN ' over ' || format_type(ty.typbasetype, ty.typtypmod)
                                    || CASE WHEN ty.typnotnull THEN ' not null' ELSE '' END
                                    || coalesce(' default ' || ty.typdefault, '')
                                    || coalesce((SELECT ' ' || string_agg(pg_get_constraintdef(dc.oid), ' ' ORDER BY dc.conname)
                                                 FROM pg_constraint dc WHERE dc.contypid = ty.oid), '')
                      WHEN 'c' THEN ' (' || (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                             FROM pg_attribute a WHERE a.attrelid = ty.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'
                      ELSE ''
                  END)
    FROM pg_type ty
    WHERE ty.typnamespace = 'public'::regnamespace
      AND ty.typelem = 0 -- not the array types PostgreSQL makes for every type
      AND (ty.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = ty.typrelid) = 'c') -- not a table's row type
    UNION ALL
    SELECT format('policy %s.%s %s', pol.tablename, pol.policyname,
                  row(pol.permissive, pol.roles, pol.cmd, pol.qual, pol.with_check)::text)
    FROM pg_policies pol WHERE pol.schemaname = 'public'
    UNION ALL
    SELECT format('comment on table %s: %s', t.relname, obj_description(t.oid, 'pg_class'))
    FROM tables t WHERE obj_description(t.oid, 'pg_class') IS NOT NULL
    UNION ALL
    SELECT format('comment on column %s.%s: %s', col.relname, col.attname, col_description(col.attrelid, col.attnum))
    FROM columns col WHERE col_description(col.attrelid, col.attnum) IS NOT NULL
    UNION ALL
    SELECT format('extension %s in %s', e.extname, e.extnamespace::regnamespace)
    FROM pg_extension e
) AS catalog
ORDER BY line COLLATE "C";
