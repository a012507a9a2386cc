// @ts-check

/**
 * Operator actions (collab drain, later canary steps and key rotation): one row per
 * operation with its parameters, state and steps, who asked and why, the executor's
 * durable progress, the lease that makes one executor run it at a time, and the keys
 * that make a repeated request one operation and allow one running operation per target.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('operations', table => {
    table.string('id', 36).primary();
    table.string('kind').notNullable();
    table.string('entity_ref').notNullable();
    table.string('cluster').notNullable();
    table.text('parameters').notNullable().comment('JSON');
    table
      .string('state')
      .notNullable()
      .comment(
        'pending | running | cancelling | succeeded | failed | cancelled',
      );
    table.text('steps').notNullable().comment('JSON: the steps as shown');
    table
      .text('progress')
      .notNullable()
      .comment("JSON: the executor's durable memory (what it has done)");
    table.string('actor').notNullable();
    table.text('reason').notNullable();
    table.text('incident_url').nullable();
    table.text('approvals').notNullable().comment('JSON array');
    table.string('idempotency_key', 255).nullable();
    table
      .string('request_hash', 64)
      .notNullable()
      .comment(
        'sha256 of the request, to tell a repeat from a reuse of its key',
      );
    table
      .string('active_key')
      .nullable()
      .comment('kind, entity and cluster while not final; null once final');
    table.string('lease_owner').nullable();
    table.bigInteger('lease_expires_at').nullable().comment('epoch ms');
    table
      .bigInteger('run_after')
      .nullable()
      .comment('epoch ms: a durable wait');
    table.string('cancel_requested_by').nullable();
    table.bigInteger('cancel_requested_at').nullable();
    table.text('error').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.unique(['actor', 'idempotency_key'], {
      indexName: 'operations_idempotency',
    });
    table.unique(['active_key'], { indexName: 'operations_one_active' });
    table.index(['entity_ref', 'created_at'], 'operations_by_entity');
    table.index(['state', 'run_after'], 'operations_runnable');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('operations');
};
