// @ts-check

/**
 * Scaling samples: one row per container, cluster and sampling instant.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scaling_samples', table => {
    table.bigIncrements('id');
    table.bigInteger('at').notNullable().comment('epoch milliseconds');
    table.string('cluster').notNullable();
    table.string('namespace').notNullable();
    table.string('container').notNullable();
    table.integer('desired').notNullable();
    table.integer('ready').notNullable();
    table.integer('min').nullable();
    table.integer('max').nullable();
    table
      .text('metrics')
      .notNullable()
      .comment('JSON: metric name -> current value');
    table.index(['container', 'at'], 'scaling_samples_container_at');
    table.index(['at'], 'scaling_samples_at');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scaling_samples');
};
