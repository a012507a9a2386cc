// @ts-check

/*
 * saga_processed is gone: the projection is idempotent on (stream, sequence) through the
 * rows a message becomes, its step (saga_steps keeps the stream and sequence) or its
 * malformed row (saga_malformed, unique on them). One table and one index less to write
 * per event.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.dropTable('saga_processed');
};

/**
 * Recreates the table from the messages the projection holds. The sequences of messages
 * that were duplicate steps are not known any more: redelivered, they are duplicate steps
 * again, which changes no saga.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.createTable('saga_processed', table => {
    table.string('stream').notNullable();
    table.bigInteger('seq').notNullable();
    table.primary(['stream', 'seq']);
  });
  await knex.raw(
    'insert into saga_processed (stream, seq) select stream, seq from saga_steps union select stream, seq from saga_malformed',
  );
};
