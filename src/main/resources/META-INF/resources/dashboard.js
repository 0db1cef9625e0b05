// Live dashboard: today's figures arrive by Server-Sent Events whenever a window is saved (EventSource reconnects
// by itself after a restart); the pipeline's state comes from the service's own meters every few seconds. No
// request of this page makes the service query MySQL.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact' });
const count = new Intl.NumberFormat('en-US');
const charts = {};

function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init(document.getElementById(id));
    window.addEventListener('resize', () => charts[id].resize());
  }
  return charts[id];
}

function bars(id, rows, field) {
  chart(id).setOption({
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    tooltip: { valueFormatter: value => usd.format(value) },
    xAxis: { type: 'value', axisLabel: { formatter: value => compact.format(value) } },
    yAxis: { type: 'category', data: rows.map(row => row.name) },
    series: [{ type: 'bar', data: rows.map(row => row[field]), itemStyle: { color: field === 'sales' ? '#3e7bfa' : '#2bb673' } }]
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
  chart('sales-per-minute').setOption({
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: value => usd.format(value) },
    xAxis: { type: 'category', data: today.per_minute.map(minute => minute.name) },
    yAxis: { type: 'value', axisLabel: { formatter: value => compact.format(value) } },
    series: [{ type: 'line', data: today.per_minute.map(minute => minute.sales), areaStyle: {} }]
  });
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

let previous;
async function pipeline() {
  try {
    const state = await (await fetch('/api/pipeline')).json();
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
    document.getElementById('orders-rate').textContent = 'service unreachable';
  }
}

listen();
pipeline();
setInterval(pipeline, 3000);
