// @ts-check

/*
 * saga_rebuild: at most one row while a rebuild runs, so that its phase survives a
 * backend restart. `replaying`: the streams are replayed into steps only, the sagas are
 * folded once at the end; `folding`: every saga is being folded from its steps.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('saga_rebuild', table => {
    table.integer('id').primary().comment('always 1: one rebuild at a time');
    table.string('phase').notNullable().comment('replaying | folding');
    table.bigInteger('started_at').notNullable().comment('epoch milliseconds');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('saga_rebuild');
};
