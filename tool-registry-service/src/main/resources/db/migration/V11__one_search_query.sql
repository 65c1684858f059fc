-- Ranked discovery builds its text query once, in one configuration (issue 19). Before this a
-- listing matched and ranked with to_tsquery('simple', q) || to_tsquery('english', q): every word
-- twice (most words stem to themselves), so the index's prefix scans, the recheck of every match
-- and ts_rank_cd did their work twice. This gives the same matches and the same ranks: the
-- distinct lexemes of both configurations as prefix terms, without those another one already
-- covers as a prefix ('geocode' is inside 'geocod':*). See the README's "Discovery: where the time went".
create function tool_search_query(words text) returns tsquery
    language sql immutable parallel safe as $$
    with terms as (
        select lexeme from unnest(tsvector_to_array(to_tsvector('simple'::regconfig, words))) as s(lexeme)
        union
        select lexeme from unnest(tsvector_to_array(to_tsvector('english'::regconfig, words))) as e(lexeme))
    select to_tsquery('simple'::regconfig, string_agg(quote_literal(lexeme) || ':*', ' | '))
    from terms
    where not exists (select 1 from terms shorter
                      where shorter.lexeme <> terms.lexeme and starts_with(terms.lexeme, shorter.lexeme))
$$;
