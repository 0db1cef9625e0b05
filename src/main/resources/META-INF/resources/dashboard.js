// Live dashboard: today's figures arrive by Server-Sent Events whenever a window is saved (EventSource reconnects
// by itself after a restart); the pipeline's state comes from the service's own meters every few seconds. Only the
// day picker makes the service query MySQL, once per day chosen.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const count = new Intl.NumberFormat('en-US');
const charts = {};

// SVG, not canvas: crisp at any zoom, and its labels are elements a test can measure.
function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'svg' });
    window.addEventListener('resize', () => charts[id].resize());
  }
  return charts[id];
}

// Largest on top and its value at the end of each bar, so the value axis needs no labels (they ran together on
// narrow charts). No animation: a live page that moves on every window is noise.
function bars(id, rows, field) {
  const sorted = [...rows].sort((one, other) => other[field] - one[field]);
  chart(id).setOption({
    animation: false,
    grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: { valueFormatter: value => usd.format(value) },
    xAxis: { type: 'value', splitNumber: 3, axisLabel: { show: false } },
    yAxis: { type: 'category', inverse: true, data: sorted.map(row => row.name), axisLabel: { hideOverlap: true } },
    series: [{
      type: 'bar', data: sorted.map(row => row[field]),
      label: { show: true, position: 'right', formatter: bar => compact.format(bar.value) },
      itemStyle: { color: field === 'sales' ? '#3e7bfa' : '#2bb673' }
    }]
  });
}

// On a time axis: a minute in which nothing was saved is a gap, not a neighbour of the next point.
function perMinute(date, minutes) {
  const points = [];
  let previous;
  for (const minute of minutes) {
    const at = Date.parse(date + 'T' + minute.name + ':00Z');
    if (previous !== undefined && at - previous > 60_000) {
      points.push([previous + 60_000, null]);
    }
    points.push([at, minute.sales]);
    previous = at;
  }
  chart('sales-per-minute').setOption({
    animation: false,
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: value => value == null ? 'nothing saved' : usd.format(value) },
    xAxis: { type: 'time', splitNumber: 4, axisLabel: { hideOverlap: true, formatter: '{HH}:{mm}' } },
    // No "$0": it would sit on the first time label in the corner.
    yAxis: { type: 'value', splitNumber: 3, axisLabel: { formatter: value => compact.format(value), hideOverlap: true, showMinLabel: false } },
    series: [{ type: 'line', data: points, showSymbol: false, connectNulls: false, areaStyle: {} }]
  });
}

function show(today) {
  document.getElementById('title').textContent = 'Profit and Sales Dashboard: ' + today.date;
  setMoney('total-sales', today.total_sales);
  setMoney('total-profit', today.total_profit);
  document.getElementById('total-quantity').textContent = count.format(today.total_quantity);
  document.getElementById('as-of').textContent = today.as_of ? today.as_of.replace('T', ' ').substring(0, 19) + ' UTC' : 'none yet';
  bars('sales-by-category', today.by_category, 'sales');
  bars('sales-by-platform', today.by_platform, 'sales');
  bars('profit-by-category', today.by_category, 'profit');
  bars('profit-by-platform', today.by_platform, 'profit');
  bars('top-products', today.top_products, 'sales');
  perMinute(today.date, today.per_minute);
}

function setMoney(id, value) {
  const element = document.getElementById(id);
  element.textContent = usd.format(value);
  element.dataset.value = String(value);
}

function listen() {
  const connection = document.getElementById('connection');
  const source = new EventSource('/api/sales/stream');
  source.onopen = () => { connection.textContent = 'live'; connection.classList.add('live'); };
  source.onmessage = event => show(JSON.parse(event.data));
  source.onerror = () => { connection.textContent = 'reconnecting'; connection.classList.remove('live'); };
}

// From the origin, never relative to the page: opened as http://user:password@host/, the page's address holds
// credentials and Chromium builds no request from it. The browser adds the login it keeps for the site either way.
function api(path) {
  return fetch(new URL(path, location.origin));
}

async function showDay(day) {
  const response = await api('/api/sales/daily?from=' + day + '&to=' + day);
  const days = response.ok ? await response.json() : [];
  const totals = days[0] || { sales: 0, profit: 0, quantity: 0 };
  setMoney('day-sales', totals.sales);
  setMoney('day-profit', totals.profit);
  document.getElementById('day-quantity').textContent = count.format(totals.quantity);
}

const STATUS = {
  live: () => 'Live: orders flow and are counted',
  delayed: status => 'Delayed' + (status.delay_seconds == null ? '' : ' by ' + count.format(status.delay_seconds) + ' s') + ': ' + status.reason,
  stopped: status => 'Stopped: ' + status.reason
};

let previous;
async function pipeline() {
  const line = document.getElementById('pipeline-status');
  try {
    const state = await (await api('/api/pipeline')).json();
    line.textContent = STATUS[state.status.state](state.status);
    line.className = 'status ' + state.status.state;
    if (previous) {
      const seconds = (Date.parse(state.at) - Date.parse(previous.at)) / 1000;
      document.getElementById('orders-rate').textContent =
        count.format(Math.round((state.orders_consumed - previous.orders_consumed) / seconds)) + ' orders/s';
    }
    previous = state;
    document.getElementById('dead-letters').textContent = count.format(state.dead_letters);
    document.getElementById('consumer-lag').textContent = count.format(state.consumer_lag);
    const list = document.getElementById('health');
    list.replaceChildren(...Object.entries(state.health).map(([name, status]) => {
      const item = document.createElement('li');
      item.textContent = name + ': ' + status;
      if (status !== 'UP') item.classList.add('down');
      return item;
    }));
  } catch (e) {
    line.textContent = 'Unreachable: the service does not answer';
    line.className = 'status stopped';
  }
}

document.getElementById('day').addEventListener('change', event => { if (event.target.value) showDay(event.target.value); });
listen();
pipeline();
setInterval(pipeline, 3000);
