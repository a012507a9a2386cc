// @ts-check

/**
 * Approvals: how many people must approve an operation before it runs, and until when.
 * The approvals given stay in the `approvals` JSON array.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('operations', table => {
    table
      .integer('approvals_required')
      .nullable()
      .comment('null: no approval needed');
    table
      .bigInteger('approval_expires_at')
      .nullable()
      .comment('epoch ms: unapproved by then, the operation fails');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('operations', table => {
    table.dropColumn('approvals_required');
    table.dropColumn('approval_expires_at');
  });
};
