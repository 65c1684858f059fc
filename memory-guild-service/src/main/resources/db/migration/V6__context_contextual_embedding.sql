-- Per context: embed each memory together with the memory before it (true), on its own (false),
-- or as memory.embedding.contextual says (null).
alter table memory_contexts add column contextual_embedding boolean;
