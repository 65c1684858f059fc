-- Per memory: embed it with the memory before it (true), on its own (false), or as its context
-- chooses (null: contextual_embedding of the context, then memory.embedding.contextual).
alter table memories add column contextual_embedding boolean;
