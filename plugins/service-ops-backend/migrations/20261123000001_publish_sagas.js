// @ts-check

/**
 * The publish-saga projection: instances, their steps, the stream sequences already
 * projected (idempotency), the events that could not be used, and the identity of each
 * stream projected from (a recreated stream restarts its sequences).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('saga_instances', table => {
    table.string('id', 255).primary().comment('publishId');
    table
      .string('state')
      .notNullable()
      .comment('running | completed | failed | compensated');
    table.string('current_step').notNullable();
    table.string('expected_step').nullable();
    table.bigInteger('started_at').notNullable().comment('epoch milliseconds');
    table.bigInteger('updated_at').notNullable().comment('epoch milliseconds');
    table.string('region').nullable();
    table.string('tenant_id').nullable();
    table.string('course_id').nullable();
    table.string('course_version').nullable();
    table.string('draft_id').nullable();
    table.string('play_package_id').nullable();
    table.text('failure_reason').nullable();
    table.index(['state', 'updated_at'], 'saga_instances_state_updated');
    table.index(['started_at'], 'saga_instances_started');
  });
  await knex.schema.createTable('saga_steps', table => {
    table.bigIncrements('id');
    table.string('instance_id', 255).notNullable();
    table.string('step').notNullable();
    table.string('subject').notNullable();
    table.string('stream').notNullable();
    table.bigInteger('seq').notNullable();
    table.string('event_id').nullable();
    table.bigInteger('occurred_at').notNullable().comment('epoch milliseconds');
    table.string('region').nullable();
    table.string('tenant_id').nullable();
    table.string('course_id').nullable();
    table.string('course_version').nullable();
    table.string('draft_id').nullable();
    table.string('play_package_id').nullable();
    table.text('reason').nullable();
    table.unique(['instance_id', 'step'], { indexName: 'saga_steps_once' });
  });
  await knex.schema.createTable('saga_processed', table => {
    table.string('stream').notNullable();
    table.bigInteger('seq').notNullable();
    table.primary(['stream', 'seq']);
  });
  await knex.schema.createTable('saga_malformed', table => {
    table.bigIncrements('id');
    table.string('stream').notNullable();
    table.bigInteger('seq').notNullable();
    table.string('subject').notNullable();
    table.text('reason').notNullable();
    table.text('excerpt').notNullable();
    table.bigInteger('received_at').notNullable().comment('epoch milliseconds');
    table.unique(['stream', 'seq'], { indexName: 'saga_malformed_message' });
  });
  await knex.schema.createTable('saga_streams', table => {
    table.string('stream').primary();
    table
      .string('created')
      .notNullable()
      .comment("the stream's creation time, as NATS reports it");
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('saga_streams');
  await knex.schema.dropTable('saga_malformed');
  await knex.schema.dropTable('saga_processed');
  await knex.schema.dropTable('saga_steps');
  await knex.schema.dropTable('saga_instances');
};
