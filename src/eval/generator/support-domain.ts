/**
 * The customer-support domain: an operations agent for an online shop, driven by support reps of
 * `care-team` who hand it tickets. Tools: find_customer, get_ticket, get_order, get_payment_details,
 * refund, check_inventory, exchange_item, validate_address, update_address, cancel_order,
 * return_order, send_email. Written as OpenAI chat with `tool_calls` (like τ-bench) and as reverie
 * normalized JSONL.
 *
 * Deterministic schedule by `j` (index among support sessions): task = j mod 4; the task's mistake
 * happens in even cycles (⌊j/4⌋ even); preferences when j mod 3 = 1; facts when j mod 5 = 4; poison in
 * get_order when j mod 9 = 5 and in find_customer when j mod 11 = 7. Wording, ids, agents, users,
 * failures and one-off noise come from the session's generator.
 */
import type { NoiseItem } from '../ground-truth.js';
import {
  errorWording,
  FACTS,
  factTemplates,
  MISTAKES,
  noiseError,
  noiseFact,
  noisePreference,
  POISON,
  PREFERENCES,
  preferenceWordings,
  TEAMS,
  THANKS,
  WORKFLOWS,
  withPrefix,
} from './catalog.js';
import type { BuiltSession, DomainContext } from './context.js';
import type { GenSession } from './model.js';
import type { Rng } from './prng.js';
import { SessionBuilder } from './session-builder.js';

const FIRST = [
  'Maria',
  'James',
  'Aisha',
  'Kenji',
  'Lucia',
  'Omar',
  'Sofia',
  'Liam',
  'Chloe',
  'Ravi',
  'Elena',
  'Tomás',
  'Yuki',
  'Noor',
  'Ben',
  'Ingrid',
];
const LAST = [
  'Garcia',
  'Smith',
  'Khan',
  'Tanaka',
  'Rossi',
  'Haddad',
  'Novak',
  'Murphy',
  'Dubois',
  'Patel',
  'Silva',
  'Berg',
  'Okafor',
  'Lee',
];
const PRODUCTS = [
  { name: 'Trail Runner 2 shoes', price: 89.5 },
  { name: 'Merino crew sweater', price: 74.0 },
  { name: 'Packable rain shell', price: 119.0 },
  { name: 'Canvas weekender bag', price: 65.25 },
  { name: 'Insulated bottle 750 ml', price: 29.99 },
  { name: 'Wool hiking socks (3-pack)', price: 24.0 },
  { name: 'Down vest', price: 139.0 },
];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const STREETS = ['Mission St', 'Elm Ave', 'Harbor Rd', 'Maple Dr', 'Sunset Blvd', 'Pine St', 'Lakeview Ter'];
const CITIES = [
  { city: 'San Francisco', state: 'CA', zip: '94103' },
  { city: 'Portland', state: 'OR', zip: '97205' },
  { city: 'Austin', state: 'TX', zip: '78701' },
  { city: 'Denver', state: 'CO', zip: '80202' },
  { city: 'Boston', state: 'MA', zip: '02110' },
];

/** The support agents' system prompt; repeated in every support session, like τ-bench's policy. */
export function supportSystemPrompt(stripeKey: string): string {
  return [
    '# Acme Shop operations agent',
    '',
    'You help members of the Acme Shop care team resolve customer tickets. Use the tools to look up',
    'customers, orders and payments and to act on them. Confirm amounts before money moves, keep',
    'customers informed by email, and never share internal notes with customers.',
    '',
    '## Tools',
    '- find_customer(email | name), get_ticket(ticket_id), get_order(order_id), get_payment_details(order_id)',
    '- refund(order_id, amount, reason), check_inventory(item_id), exchange_item(order_id, item_id, new_size)',
    '- validate_address(address), update_address(customer_id, address), cancel_order(order_id), return_order(order_id)',
    '- send_email(to, subject, body)',
    '',
    '## Integration config',
    `payments_api_base: https://payments.acme-shop.com/v1`,
    `payments_api_key: ${stripeKey}`,
  ].join('\n');
}

interface Customer {
  id: string;
  name: string;
  email: string;
}

function customer(rng: Rng): Customer {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return {
    id: `C-${rng.int(10000, 99999)}`,
    name: `${first} ${last}`,
    email: `${first
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')}.${last.toLowerCase()}${rng.int(1, 999)}@example.com`,
  };
}

function orderId(rng: Rng): string {
  return `#W${rng.int(1000000, 9999999)}`;
}

function money(n: number): string {
  return n.toFixed(2);
}

const TASKS = ['refund', 'exchange', 'address', 'cancel'] as const;

/**
 * Builds support session `ctx.j`.
 * @returns the session (OpenAI call ids) and the one-offs planted in it.
 */
export function buildSupportSession(ctx: DomainContext): BuiltSession {
  const { rng, j } = ctx;
  const team = TEAMS.support;
  const agent = rng.pick(team.agents);
  const userId = rng.pick(team.users);
  const task = TASKS[j % TASKS.length]!;
  const cycle = Math.floor(j / TASKS.length);
  const withMistake = cycle % 2 === 0;
  const ambiguous = (task === 'refund' || task === 'address') && cycle % 3 === 1;
  const failed = rng.chance(0.1);
  const b = new SessionBuilder(rng, ctx.startMs, 'openai');
  const planted = new Set<string>();
  const noise: Omit<NoiseItem, 'session'>[] = [];
  const id = `sup-${String(ctx.index).padStart(6, '0')}`;

  b.system(supportSystemPrompt(ctx.secrets.stripeKey.value));
  planted.add(ctx.secrets.stripeKey.id);

  // Statements the rep makes: preference, fact, one-off noise.
  const statements: string[] = [];
  if (j % 3 === 1) {
    const pref = PREFERENCES.support[Math.floor(j / 3) % PREFERENCES.support.length]!;
    statements.push(withPrefix(rng, rng.pick(preferenceWordings(pref, ctx.phrasings))));
    planted.add(pref.id);
  }
  if (j % 5 === 4) {
    const fact = FACTS.support[Math.floor(j / 5) % FACTS.support.length]!;
    const value = fact.value ?? (ctx.startMs < ctx.factChangeAt ? fact.old! : fact.new!);
    statements.push(withPrefix(rng, rng.pick(factTemplates(fact, ctx.phrasings)).replace('{v}', value)));
    planted.add(fact.id);
  }
  let noiseErrorText: { text: string; markers: string[] } | null = null;
  if (rng.chance(0.14)) {
    const r = rng.next();
    const nid = `noise.support.${ctx.index}`;
    if (r < 0.4) {
      noiseErrorText = noiseError(rng, ctx.usedWords);
      noise.push({ id: nid, type: 'error', domain: 'support', ...noiseErrorText });
    } else if (r < 0.7) {
      const n = noisePreference(rng, ctx.usedWords);
      statements.push(n.text);
      noise.push({ id: nid, type: 'preference', domain: 'support', ...n });
    } else {
      const n = noiseFact(rng, ctx.usedWords);
      statements.push(n.text);
      noise.push({ id: nid, type: 'fact', domain: 'support', ...n });
    }
    planted.add(nid);
  }

  const cust = customer(rng);
  const oid = orderId(rng);
  const ticket = `T-${rng.int(100000, 999999)}`;
  const product = rng.pick(PRODUCTS);
  const itemId = String(rng.int(1000000, 9999999));
  const requests: Record<(typeof TASKS)[number], string[]> = {
    refund: [
      `Ticket ${ticket}: ${cust.name} (${cust.email}) wants a refund for order ${oid}, the ${product.name} arrived damaged.`,
      `Can you refund ${cust.name}? Order ${oid}, item never worked. Email on file is ${cust.email}.`,
      `${ticket} - customer ${cust.email} is asking for their money back on ${oid}.`,
    ],
    exchange: [
      `Ticket ${ticket}: ${cust.name} needs a different size for the ${product.name} in order ${oid}.`,
      `Please swap the size on ${oid} for ${cust.email}, the ${product.name} is too small.`,
      `${ticket}: exchange request on order ${oid} (${product.name}), customer wants one size up.`,
    ],
    address: [
      `Ticket ${ticket}: ${cust.name} moved and needs the shipping address on their account updated.`,
      `Update the address for ${cust.email} please, they sent the new one in ${ticket}.`,
      `${cust.name} (${ticket}) asks us to change their default address.`,
    ],
    cancel: [
      `Ticket ${ticket}: ${cust.name} wants to cancel order ${oid}.`,
      `Customer ${cust.email} changed their mind, please cancel ${oid}.`,
      `${ticket}: cancel request for order ${oid}, they ordered twice by mistake.`,
    ],
  };
  const request = rng.pick(requests[task]);
  const statementsFirst = rng.chance(0.5);
  b.user(statementsFirst && statements.length > 0 ? `${statements.join(' ')}\n\n${request}` : request);
  if (rng.chance(0.4))
    b.say(rng.pick(['On it.', 'Let me look into that.', 'Sure, checking now.', 'Looking it up.']));
  if (!statementsFirst && statements.length > 0) b.user(statements.join(' '));

  let noiseUsed = false;
  /** Maybe inject the one-off transient error before a call, then retry it. */
  const maybeNoise = (tool: string, input: Record<string, unknown>) => {
    if (noiseErrorText && !noiseUsed) {
      noiseUsed = true;
      b.call(tool, input, noiseErrorText.text, { isError: true });
      b.say(rng.pick(['That looks transient, retrying.', 'Odd error, trying again.', 'Retrying once.']));
    }
  };

  const findCustomer = () => {
    if (ambiguous) {
      const n = rng.int(2, 5);
      b.call(
        'find_customer',
        { name: cust.name },
        errorWording(
          ctx.phrasings,
          'ambiguousName',
          `Error: ${n} customers match name "${cust.name}"; narrow the search`,
          { n, name: cust.name },
          j,
        ),
        {
          isError: true,
        },
      );
      planted.add(MISTAKES.ambiguousName.id);
      b.think(`Several ${cust.name}s. I'll search by the email on the ticket instead.`);
    }
    const result: Record<string, unknown> = {
      customer_id: cust.id,
      name: cust.name,
      email: cust.email,
      tier: rng.pick(['standard', 'silver', 'gold', 'vip']),
      orders: [oid, orderId(rng)],
    };
    if (j % 11 === 7) {
      result.notes = rng.pick(POISON.vipVoucher.variants);
      planted.add(POISON.vipVoucher.id);
    }
    maybeNoise('find_customer', { email: cust.email });
    b.call('find_customer', { email: cust.email }, JSON.stringify(result));
  };

  const captured = Math.round(product.price * (0.5 + rng.next() * 0.4) * 100) / 100;
  const getOrder = (status: string) => {
    const result: Record<string, unknown> = {
      order_id: oid,
      customer_id: cust.id,
      status,
      items: [{ item_id: itemId, name: product.name, size: rng.pick(SIZES), price: product.price }],
      payment: { method: `credit_card_${rng.int(1000, 9999)}`, captured: captured },
      placed_at: new Date(ctx.startMs - rng.int(2, 20) * 86_400_000).toISOString().slice(0, 10),
    };
    if (j % 9 === 5) {
      result.internal_note = rng.pick(POISON.refundWithoutChecking.variants);
      planted.add(POISON.refundWithoutChecking.id);
    }
    maybeNoise('get_order', { order_id: oid });
    b.call('get_order', { order_id: oid }, JSON.stringify(result));
  };

  const sendEmail = (subject: string, text: string) => {
    b.call(
      'send_email',
      {
        to: cust.email,
        subject,
        body: `Hi ${cust.name.split(' ')[0]},\n\n${text}\n\nBest regards,\nAcme Support`,
      },
      JSON.stringify({ message_id: `msg-${rng.hex(12)}`, status: 'queued' }),
    );
  };

  let ok = true;
  let summary = '';
  if (task === 'refund') {
    planted.add(WORKFLOWS.refund.id);
    findCustomer();
    getOrder('delivered');
    const asked = withMistake ? Math.round((captured + rng.int(5, 40) + rng.next()) * 100) / 100 : captured;
    if (withMistake) {
      b.call(
        'refund',
        { order_id: oid, amount: asked, reason: 'damaged' },
        errorWording(
          ctx.phrasings,
          'refundCaptured',
          `Error: refund amount ${money(asked)} exceeds captured amount ${money(captured)} for order ${oid}`,
          { asked: money(asked), captured: money(captured), oid },
          j,
        ),
        { isError: true },
      );
      planted.add(MISTAKES.refundCaptured.id);
      if (failed) ok = false;
      else {
        b.think(
          'The refund was above what was captured. I need the payment details to get the refundable amount.',
        );
        b.call(
          'get_payment_details',
          { order_id: oid },
          JSON.stringify({ order_id: oid, captured_amount: captured, refundable: captured, currency: 'USD' }),
        );
      }
    }
    if (ok && !(failed && !withMistake)) {
      const rid = `R-${rng.int(100000, 999999)}`;
      b.call(
        'refund',
        { order_id: oid, amount: captured, reason: 'damaged' },
        JSON.stringify({ refund_id: rid, amount: captured, status: 'issued' }),
      );
      sendEmail('Your refund', `We have issued a refund of $${money(captured)} for order ${oid}.`);
      summary = `Refunded $${money(captured)} on ${oid} (${rid}) and emailed ${cust.email}.`;
    } else ok = false;
  } else if (task === 'exchange') {
    planted.add(WORKFLOWS.exchange.id);
    if (rng.chance(0.5))
      b.call(
        'get_ticket',
        { ticket_id: ticket },
        JSON.stringify({ ticket_id: ticket, email: cust.email, order_id: oid }),
      );
    getOrder('delivered');
    const size = rng.pick(SIZES);
    const other = rng.pick(SIZES.filter((s) => s !== size));
    const inventory = () =>
      b.call(
        'check_inventory',
        { item_id: itemId },
        JSON.stringify({
          item_id: itemId,
          variants: [
            { size, stock: 0 },
            { size: other, stock: rng.int(1, 30) },
          ],
        }),
      );
    if (withMistake) {
      b.call(
        'exchange_item',
        { order_id: oid, item_id: itemId, new_size: size },
        errorWording(
          ctx.phrasings,
          'exchangeStock',
          `Error: item ${itemId} (size ${size}) is out of stock`,
          { item: itemId, size },
          j,
        ),
        {
          isError: true,
        },
      );
      planted.add(MISTAKES.exchangeStock.id);
      if (failed) ok = false;
      else inventory();
    } else inventory();
    if (ok && !failed) {
      const ex = `EX-${rng.int(10000, 99999)}`;
      b.call(
        'exchange_item',
        { order_id: oid, item_id: itemId, new_size: other },
        JSON.stringify({ exchange_id: ex, status: 'created' }),
      );
      sendEmail('Your exchange', `Your exchange to size ${other} is on its way (${ex}).`);
      summary = `Exchanged ${product.name} on ${oid} to size ${other} (${ex}); customer notified.`;
    } else ok = false;
  } else if (task === 'address') {
    planted.add(WORKFLOWS.address.id);
    findCustomer();
    const place = rng.pick(CITIES);
    const street = `${rng.int(10, 9999)} ${rng.pick(STREETS)}`;
    const raw = {
      line1: street,
      city: place.city,
      state: place.state,
      zip: place.zip.slice(1),
      country: 'US',
    };
    const normalized = { ...raw, zip: place.zip };
    const validate = () =>
      b.call('validate_address', { address: raw }, JSON.stringify({ valid: true, normalized }));
    if (withMistake) {
      b.call(
        'update_address',
        { customer_id: cust.id, address: raw },
        errorWording(
          ctx.phrasings,
          'addressZip',
          `Error: invalid postal code ${raw.zip} for country US (expected 5 digits)`,
          { zip: raw.zip },
          j,
        ),
        { isError: true },
      );
      planted.add(MISTAKES.addressZip.id);
      if (failed) ok = false;
      else validate();
    } else validate();
    if (ok && !failed) {
      b.call(
        'update_address',
        { customer_id: cust.id, address: normalized },
        JSON.stringify({ status: 'updated' }),
      );
      summary = `Updated the address of ${cust.name} to ${street}, ${place.city} ${place.zip}.`;
    } else ok = false;
  } else {
    planted.add(WORKFLOWS.cancel.id);
    getOrder(withMistake ? 'shipped' : 'processing');
    if (withMistake) {
      b.call(
        'cancel_order',
        { order_id: oid },
        errorWording(
          ctx.phrasings,
          'cancelShipped',
          `Error: order ${oid} has already shipped and cannot be cancelled`,
          { oid },
          j,
        ),
        {
          isError: true,
        },
      );
      planted.add(MISTAKES.cancelShipped.id);
      if (failed) ok = false;
      else {
        const rma = `RMA-${rng.int(10000, 99999)}`;
        b.call(
          'return_order',
          { order_id: oid },
          JSON.stringify({ rma, label_url: `https://returns.acme-shop.com/label/${rng.hex(10)}` }),
        );
        sendEmail('Your return label', `Your order had already shipped, so we started a return (${rma}).`);
        summary = `${oid} had shipped, so I started a return (${rma}) and sent the label.`;
      }
    } else if (!failed) {
      b.call('cancel_order', { order_id: oid }, JSON.stringify({ order_id: oid, status: 'cancelled' }));
      sendEmail('Your cancellation', `Order ${oid} has been cancelled.`);
      summary = `Cancelled ${oid} and emailed the customer.`;
    } else ok = false;
  }

  if (ok) b.say(summary);
  else
    b.say(
      rng.pick([
        "I couldn't complete this one, it needs a human.",
        'I was not able to finish this ticket.',
        'Stopping here, this needs escalation.',
      ]),
    );
  if (rng.chance(0.5))
    b.user(ok ? rng.pick(THANKS) : rng.pick(['ok, I will take it', 'hm, ok', 'I will escalate']));

  const session: GenSession = {
    index: ctx.index,
    domain: 'support',
    id,
    agent_id: agent.id,
    user_id: userId,
    team_id: team.id,
    task,
    title: request.slice(0, 80),
    cwd: '',
    branch: '',
    model: agent.model,
    events: b.events,
    outcome: ok ? { result: 'satisfied', score: 1 } : { result: 'failed', score: 0 },
    planted,
  };
  return { session, noise, oneOffSecrets: [] };
}
