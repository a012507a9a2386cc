// @ts-check

/**
 * JetStream backlog samples (one row per stream and per consumer and sampling instant)
 * and the poison messages that consumers' advisories reported.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('backlog_samples', table => {
    table.bigIncrements('id');
    table.bigInteger('at').notNullable().comment('epoch milliseconds');
    table.string('stream').notNullable();
    table
      .string('consumer')
      .nullable()
      .comment("null: the stream's own figures");
    table.string('region').nullable();
    table.bigInteger('messages').nullable();
    table.bigInteger('bytes').nullable();
    table.bigInteger('pending').nullable();
    table.bigInteger('ack_pending').nullable();
    table.bigInteger('redelivered').nullable();
    table.index(['stream', 'at'], 'backlog_samples_stream_at');
    table.index(['at'], 'backlog_samples_at');
  });
  await knex.schema.createTable('backlog_poison', table => {
    table.bigIncrements('id');
    table.string('kind').notNullable().comment('max-deliveries | terminated');
    table.string('stream').notNullable();
    table.string('consumer').notNullable();
    table.bigInteger('stream_seq').notNullable();
    table.integer('deliveries').notNullable();
    table.bigInteger('at').notNullable().comment('epoch milliseconds');
    table.text('reason').nullable();
    table.string('subject').nullable();
    table.text('excerpt').nullable();
    table.unique(['kind', 'stream', 'consumer', 'stream_seq'], {
      indexName: 'backlog_poison_message',
    });
    table.index(['stream', 'consumer', 'at'], 'backlog_poison_consumer_at');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('backlog_poison');
  await knex.schema.dropTable('backlog_samples');
};
