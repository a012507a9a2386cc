// @ts-check

/*
 * saga_steps keyed by (instance_id, step): the generated id column, its sequence and its
 * index are gone (nothing read them); the unique index that made a step once per saga
 * becomes the primary key. One index and one sequence less to write per step.
 */

const COLUMNS = [
  'instance_id',
  'step',
  'subject',
  'stream',
  'seq',
  'event_id',
  'occurred_at',
  'region',
  'tenant_id',
  'course_id',
  'course_version',
  'draft_id',
  'play_package_id',
  'reason',
];

/**
 * @param {import('knex').Knex.CreateTableBuilder} table
 */
function stepColumns(table) {
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
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} from
 * @param {string} to
 */
async function copyInto(knex, from, to) {
  const columns = COLUMNS.join(', ');
  await knex.raw(
    `insert into ${to} (${columns}) select ${columns} from ${from}`,
  );
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('saga_steps_keyed', table => {
    stepColumns(table);
    table.primary(['instance_id', 'step'], 'saga_steps_pkey_instance_step');
  });
  await copyInto(knex, 'saga_steps', 'saga_steps_keyed');
  await knex.schema.dropTable('saga_steps');
  await knex.schema.renameTable('saga_steps_keyed', 'saga_steps');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.createTable('saga_steps_with_id', table => {
    table.bigIncrements('id');
    stepColumns(table);
    table.unique(['instance_id', 'step'], { indexName: 'saga_steps_once' });
  });
  await copyInto(knex, 'saga_steps', 'saga_steps_with_id');
  await knex.schema.dropTable('saga_steps');
  await knex.schema.renameTable('saga_steps_with_id', 'saga_steps');
};
