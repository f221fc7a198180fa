// The Wharf console: a single page over /api (the management plugin's REST API). Plain JavaScript, no build step.
// Each page renders its forms once and refreshes only its data areas, so typing is never interrupted.
(function () {
  'use strict';
  var REFRESH_MS = 3000;
  var main = document.getElementById('main');
  var flash = document.getElementById('flash');
  var timer = null;
  var page = null;
  var loggingIn = false;

  function esc(v) {
    return String(v === undefined || v === null ? '' : v).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function enc(v) { return encodeURIComponent(v); }
  function rate(stats, name) { return stats && stats[name + '_details'] ? stats[name + '_details'].rate : 0; }
  function $(id) { return document.getElementById(id); }

  function say(text, ok) {
    flash.textContent = text;
    flash.className = ok ? 'ok' : 'error';
  }

  function api(method, path, body) {
    var headers = { 'Authorization': 'Basic ' + sessionStorage.getItem('wharf-auth') };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch('/api' + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 401) {
          // A refused login keeps its form (and the user name typed); a session that stopped working goes back to it.
          if (!loggingIn) { logout('Your session ended: log in again.'); }
          throw new Error('not logged in');
        }
        return r.text().then(function (text) {
          var data = text ? JSON.parse(text) : null;
          if (!r.ok) { throw new Error((data && data.reason) || ('HTTP ' + r.status)); }
          return data;
        });
      });
  }

  function act(promise, done) {
    return promise.then(function (result) { say(done, true); refresh(); return result; })
      .catch(function (e) { say(e.message, false); });
  }

  // ---- login ----

  function showLogin(message) {
    $('nav').hidden = true;
    $('logout').hidden = true;
    $('whoami').textContent = '';
    main.innerHTML = '<form id="login" class="card"><h2>Log in</h2>' +
      '<label>User <input id="login-user" autocomplete="username" required></label>' +
      '<label>Password <input id="login-password" type="password" autocomplete="current-password" required></label>' +
      '<button id="login-button" type="submit">Log in</button><p id="login-error" class="error">' + esc(message || '') + '</p></form>';
    $('login').onsubmit = login;
  }

  function login(e) {
    e.preventDefault();
    var token = btoa(unescape(encodeURIComponent($('login-user').value + ':' + $('login-password').value)));
    sessionStorage.setItem('wharf-auth', token);
    loggingIn = true;
    api('GET', '/whoami').then(function (me) {
      loggingIn = false;
      $('whoami').textContent = me.name + ' (' + me.tags + ')';
      start();
    }).catch(function (err) {
      loggingIn = false;
      sessionStorage.removeItem('wharf-auth');
      $('login-error').textContent = err.message === 'not logged in' ? 'Wrong user name or password.' : err.message;
    });
  }

  function logout(message) {
    sessionStorage.removeItem('wharf-auth');
    if (timer) { clearInterval(timer); timer = null; }
    showLogin(message);
  }
  $('logout').onclick = function () { logout(''); };

  function start() {
    $('nav').hidden = false;
    $('logout').hidden = false;
    if (!location.hash || location.hash === '#') { location.hash = '#/overview'; } else { route(); }
    if (!timer) { timer = setInterval(refresh, REFRESH_MS); }
  }

  // ---- routing ----

  var pages = {};

  function route() {
    if (!sessionStorage.getItem('wharf-auth')) { showLogin(''); return; }
    var parts = location.hash.replace(/^#\//, '').split('/').map(decodeURIComponent);
    var p = pages[parts[0]] || pages.overview;
    document.querySelectorAll('#nav a').forEach(function (a) {
      a.className = a.getAttribute('href') === '#/' + parts[0] ? 'active' : '';
    });
    page = { def: p, args: parts.slice(1) };
    say('', true);
    main.onclick = null;
    main.innerHTML = p.render.apply(null, page.args);
    if (p.bind) { p.bind.apply(null, page.args); }
    refresh();
  }
  window.addEventListener('hashchange', route);

  function refresh() {
    if (page && page.def.refresh) {
      page.def.refresh.apply(null, page.args).catch(function (e) { if (e.message !== 'not logged in') { say(e.message, false); } });
    }
  }

  function series(stats) {
    return [
      { label: 'publish', color: '#2a7ab0', details: stats && stats.publish_details },
      { label: 'deliver', color: '#3a9a4a', details: stats && stats.deliver_details },
      { label: 'ack', color: '#c08a20', details: stats && stats.ack_details }
    ];
  }

  function chart(id, stats) {
    var s = series(stats);
    drawRates($(id), s);
    $(id + '-legend').innerHTML = legend(s);
  }

  // ---- overview ----

  pages.overview = {
    render: function () {
      return '<div class="card"><h2>Overview</h2><div id="totals" class="totals"></div></div>' +
        '<div class="card"><h3>Message rates</h3><canvas id="overview-chart" class="chart"></canvas><div id="overview-chart-legend"></div></div>' +
        '<div class="card"><h3>Alarms</h3><div id="alarms"></div></div>';
    },
    refresh: function () {
      return api('GET', '/overview').then(function (o) {
        var t = o.object_totals, q = o.queue_totals;
        $('totals').innerHTML = [['Connections', t.connections], ['Queues', t.queues], ['Exchanges', t.exchanges],
          ['Consumers', t.consumers], ['Messages', q.messages], ['Virtual hosts', t.vhosts]].map(function (x) {
          return '<div>' + esc(x[0]) + '<b>' + esc(x[1]) + '</b></div>';
        }).join('') + '<div>Node<b style="font-size:14px">' + esc(o.node) + '</b></div>';
        chart('overview-chart', o.message_stats);
        $('alarms').innerHTML = o.alarms.length === 0 ? 'None: the broker is healthy.' :
          o.alarms.map(function (a) { return '<p class="error">' + esc(a.resource) + ': ' + esc(a.reason) + '</p>'; }).join('');
      });
    }
  };

  // ---- queues ----

  pages.queues = {
    render: function () {
      return '<div class="card"><h2>Queues</h2><table><thead><tr><th>Virtual host</th><th>Name</th><th>Type</th>' +
        '<th class="num">Messages</th><th class="num">Consumers</th><th class="num">Publish/s</th><th class="num">Deliver/s</th></tr></thead>' +
        '<tbody id="queue-rows"></tbody></table></div>' +
        '<form id="new-queue" class="card"><h3>Add a queue</h3>' +
        '<label>Virtual host <select id="new-queue-vhost"></select></label>' +
        '<label>Name <input id="new-queue-name" required></label>' +
        '<label>Type <select id="new-queue-type"><option>classic</option><option>stream</option></select></label>' +
        '<label>Durable <input id="new-queue-durable" type="checkbox" checked></label>' +
        '<label>Arguments (JSON) <input id="new-queue-arguments" placeholder=\'{"x-max-length": 1000}\'></label>' +
        '<button id="create-queue-button" type="submit">Add queue</button></form>';
    },
    bind: function () {
      fillVhosts('new-queue-vhost');
      $('new-queue').onsubmit = function (e) {
        e.preventDefault();
        var args;
        try { args = $('new-queue-arguments').value ? JSON.parse($('new-queue-arguments').value) : {}; }
        catch (err) { say('The arguments are not valid JSON: ' + err.message, false); return; }
        var name = $('new-queue-name').value, vhost = $('new-queue-vhost').value;
        act(api('PUT', '/queues/' + enc(vhost) + '/' + enc(name), { durable: $('new-queue-durable').checked,
          type: $('new-queue-type').value, arguments: args }), 'Queue ' + name + ' added.');
      };
    },
    refresh: function () {
      return api('GET', '/queues?sort=name').then(function (list) {
        $('queue-rows').innerHTML = list.map(function (q) {
          return '<tr data-queue="' + esc(q.name) + '"><td>' + esc(q.vhost) + '</td><td><a href="#/queue/' + enc(q.vhost) + '/' + enc(q.name) + '">' + esc(q.name) +
            '</a></td><td>' + esc(q.type) + '</td><td class="num">' + esc(q.messages) + '</td><td class="num">' + esc(q.consumers) +
            '</td><td class="num">' + esc(rate(q.message_stats, 'publish')) + '</td><td class="num">' + esc(rate(q.message_stats, 'deliver')) + '</td></tr>';
        }).join('');
      });
    }
  };

  function fillVhosts(id) {
    api('GET', '/vhosts').then(function (list) {
      $(id).innerHTML = list.map(function (v) { return '<option>' + esc(v.name) + '</option>'; }).join('');
    });
  }

  pages.queue = {
    render: function (vhost, name) {
      return '<div class="card"><h2>Queue ' + esc(name) + ' <small>in ' + esc(vhost) + '</small></h2><div id="queue-totals" class="totals"></div></div>' +
        '<div class="card"><h3>Message rates</h3><canvas id="queue-chart" class="chart"></canvas><div id="queue-chart-legend"></div></div>' +
        '<div class="card"><h3>Bindings</h3><div id="queue-bindings"></div></div>' +
        '<form id="publish" class="card"><h3>Publish a message</h3><textarea id="publish-payload" placeholder="payload"></textarea>' +
        '<label>Content type <input id="publish-content-type" value="text/plain"></label>' +
        '<button id="publish-button" type="submit">Publish</button></form>' +
        '<form id="get" class="card"><h3>Get messages</h3><label>Count <input id="get-count" type="number" value="1" min="1" max="1000"></label>' +
        '<label>Mode <select id="get-ackmode"><option value="ack_requeue_true">look (requeue)</option>' +
        '<option value="ack_requeue_false">take (remove)</option></select></label>' +
        '<button id="get-button" type="submit">Get</button><div id="get-results"></div></form>' +
        '<div class="card"><button id="purge-button">Purge</button> <button id="delete-queue-button" class="danger">Delete queue</button></div>';
    },
    bind: function (vhost, name) {
      var base = '/queues/' + enc(vhost) + '/' + enc(name);
      $('publish').onsubmit = function (e) {
        e.preventDefault();
        act(api('POST', '/exchanges/' + enc(vhost) + '/' + enc('') + '/publish', { routing_key: name,
          payload: $('publish-payload').value, payload_encoding: 'string',
          properties: { content_type: $('publish-content-type').value } }).then(function (r) {
          if (!r.routed) { throw new Error('The message was not routed.'); }
        }), 'Message published.');
      };
      $('get').onsubmit = function (e) {
        e.preventDefault();
        api('POST', base + '/get', { count: parseInt($('get-count').value, 10), ackmode: $('get-ackmode').value, encoding: 'auto' })
          .then(function (messages) {
            $('get-results').innerHTML = messages.length === 0 ? '<p>The queue is empty.</p>' : messages.map(function (m, i) {
              return '<div class="message"><b>Message ' + (i + 1) + '</b> (' + esc(m.payload_bytes) + ' bytes' + (m.redelivered ? ', redelivered' : '') +
                ')<pre class="payload">' + esc(m.payload) + '</pre><small>' + esc(JSON.stringify(m.properties)) + '</small></div>';
            }).join('');
            refresh();
          }).catch(function (err) { say(err.message, false); });
      };
      $('purge-button').onclick = function () { act(api('DELETE', base + '/contents'), 'Queue purged.'); };
      $('delete-queue-button').onclick = function () {
        if (confirm('Delete queue ' + name + ' and its messages?')) {
          api('DELETE', base).then(function () { location.hash = '#/queues'; }).catch(function (err) { say(err.message, false); });
        }
      };
    },
    refresh: function (vhost, name) {
      var base = '/queues/' + enc(vhost) + '/' + enc(name);
      return Promise.all([api('GET', base), api('GET', base + '/bindings')]).then(function (r) {
        var q = r[0];
        $('queue-totals').innerHTML = '<div>Messages<b id="queue-messages">' + esc(q.messages) + '</b></div><div>Consumers<b id="queue-consumers">' +
          esc(q.consumers) + '</b></div><div>Type<b>' + esc(q.type) + '</b></div><div>Durable<b>' + esc(q.durable) + '</b></div>' +
          '<div>Arguments<b style="font-size:13px">' + esc(JSON.stringify(q.arguments)) + '</b></div>';
        chart('queue-chart', q.message_stats);
        $('queue-bindings').innerHTML = r[1].length === 0 ? 'None.' : '<table><tr><th>From</th><th>Routing key</th></tr>' +
          r[1].map(function (b) { return '<tr><td>' + esc(b.source || '(default)') + '</td><td>' + esc(b.routing_key) + '</td></tr>'; }).join('') + '</table>';
      });
    }
  };

  // ---- exchanges and bindings ----

  pages.exchanges = {
    render: function () {
      return '<div class="card"><h2>Exchanges</h2><table><thead><tr><th>Virtual host</th><th>Name</th><th>Type</th><th>Durable</th>' +
        '<th class="num">Publish/s</th><th></th></tr></thead><tbody id="exchange-rows"></tbody></table></div>' +
        '<form id="new-exchange" class="card"><h3>Add an exchange</h3><label>Virtual host <select id="new-exchange-vhost"></select></label>' +
        '<label>Name <input id="new-exchange-name" required></label><label>Type <select id="new-exchange-type">' +
        '<option>direct</option><option>fanout</option><option>topic</option><option>headers</option></select></label>' +
        '<button type="submit">Add exchange</button></form>' +
        '<div class="card"><h2>Bindings</h2><table><thead><tr><th>Virtual host</th><th>Source</th><th>Destination</th><th>Routing key</th><th></th></tr></thead>' +
        '<tbody id="binding-rows"></tbody></table></div>' +
        '<form id="new-binding" class="card"><h3>Add a binding</h3><label>Virtual host <select id="new-binding-vhost"></select></label>' +
        '<label>From exchange <input id="new-binding-source" required></label><label>To <select id="new-binding-type"><option value="q">queue</option>' +
        '<option value="e">exchange</option></select></label><label>Name <input id="new-binding-destination" required></label>' +
        '<label>Routing key <input id="new-binding-key"></label><button type="submit">Bind</button></form>';
    },
    bind: function () {
      fillVhosts('new-exchange-vhost');
      fillVhosts('new-binding-vhost');
      $('new-exchange').onsubmit = function (e) {
        e.preventDefault();
        act(api('PUT', '/exchanges/' + enc($('new-exchange-vhost').value) + '/' + enc($('new-exchange-name').value),
          { type: $('new-exchange-type').value, durable: true }), 'Exchange added.');
      };
      $('new-binding').onsubmit = function (e) {
        e.preventDefault();
        act(api('POST', '/bindings/' + enc($('new-binding-vhost').value) + '/e/' + enc($('new-binding-source').value) + '/' +
          $('new-binding-type').value + '/' + enc($('new-binding-destination').value), { routing_key: $('new-binding-key').value }), 'Binding added.');
      };
      main.onclick = function (e) {
        var t = e.target;
        if (t.dataset.deleteExchange !== undefined) {
          act(api('DELETE', '/exchanges/' + enc(t.dataset.vhost) + '/' + enc(t.dataset.deleteExchange)), 'Exchange deleted.');
        } else if (t.dataset.unbind) {
          act(api('DELETE', t.dataset.unbind), 'Binding removed.');
        }
      };
    },
    refresh: function () {
      return Promise.all([api('GET', '/exchanges'), api('GET', '/bindings')]).then(function (r) {
        $('exchange-rows').innerHTML = r[0].map(function (x) {
          var del = x.name === '' || x.name.indexOf('amq.') === 0 ? '' :
            '<button class="danger" data-vhost="' + esc(x.vhost) + '" data-delete-exchange="' + esc(x.name) + '">Delete</button>';
          return '<tr><td>' + esc(x.vhost) + '</td><td>' + esc(x.name || '(AMQP default)') + '</td><td>' + esc(x.type) + '</td><td>' + esc(x.durable) +
            '</td><td class="num">' + esc(rate(x.message_stats, 'publish_in')) + '</td><td>' + del + '</td></tr>';
        }).join('');
        $('binding-rows').innerHTML = r[1].map(function (b) {
          var path = '/bindings/' + enc(b.vhost) + '/e/' + enc(b.source) + '/' + (b.destination_type === 'queue' ? 'q' : 'e') + '/' +
            enc(b.destination) + '/' + enc(b.properties_key);
          return '<tr><td>' + esc(b.vhost) + '</td><td>' + esc(b.source) + '</td><td>' + esc(b.destination_type) + ' ' + esc(b.destination) +
            '</td><td>' + esc(b.routing_key) + '</td><td><button class="danger" data-unbind="' + esc(path) + '">Remove</button></td></tr>';
        }).join('');
      });
    }
  };

  // ---- connections ----

  pages.connections = {
    render: function () {
      return '<div class="card"><h2>Connections</h2><div id="connection-list"></div></div>';
    },
    bind: function () {
      main.onclick = function (e) {
        var id = e.target.dataset.close;
        if (id && confirm('Close connection ' + id + '?')) {
          act(api('DELETE', '/connections/' + enc(id)), 'Connection ' + id + ' closed.');
        }
      };
    },
    refresh: function () {
      return api('GET', '/connections').then(function (list) {
        $('connection-list').innerHTML = list.length === 0 ? 'No client is connected.' : list.map(function (c) {
          return '<div class="card"><b>' + esc(c.name) + '</b> ' + esc(c.user) + ' from ' + esc(c.peer_address) + ', vhost ' + esc(c.vhost) +
            ', container ' + esc(c.container_id) + ', ' + esc(c.channels) + ' session(s). Publish ' + esc(rate(c.message_stats, 'publish')) +
            '/s, deliver ' + esc(rate(c.message_stats, 'deliver')) + '/s <button class="danger" data-close="' + esc(c.name) + '">Close</button>' +
            '<table><tr><th>Link</th><th>Role</th><th>Address</th><th class="num">Session</th><th class="num">Credit</th><th class="num">Unsettled</th>' +
            '<th class="num">Publish/s</th><th class="num">Deliver/s</th></tr>' + c.links.map(function (l) {
              return '<tr><td>' + esc(l.name) + '</td><td>' + esc(l.role) + '</td><td>' + esc(l.address) + '</td><td class="num">' + esc(l.session) +
                '</td><td class="num">' + esc(l.credit) + '</td><td class="num">' + esc(l.unsettled) + '</td><td class="num">' +
                esc(rate(l.message_stats, 'publish')) + '</td><td class="num">' + esc(rate(l.message_stats, 'deliver')) + '</td></tr>';
            }).join('') + '</table></div>';
        }).join('');
      });
    }
  };

  // ---- streams ----

  pages.streams = {
    render: function () {
      return '<div class="card"><h2>Streams</h2><p>Stored offsets of named stream consumers (link property wharf:consumer-name) and how far behind they are.</p>' +
        '<div id="stream-list"></div></div>' +
        '<form id="set-offset" class="card"><h3>Set a consumer\'s offset</h3><label>Virtual host <select id="offset-vhost"></select></label>' +
        '<label>Stream <input id="offset-stream" required></label><label>Consumer <input id="offset-consumer" required></label>' +
        '<label>Offset <input id="offset-value" type="number" min="0" required></label><button type="submit">Set</button></form>';
    },
    bind: function () {
      fillVhosts('offset-vhost');
      $('set-offset').onsubmit = function (e) {
        e.preventDefault();
        act(api('PUT', '/stream-offsets/' + enc($('offset-vhost').value) + '/' + enc($('offset-stream').value) + '/' + enc($('offset-consumer').value),
          { offset: parseInt($('offset-value').value, 10) }), 'Offset stored.');
      };
    },
    refresh: function () {
      return api('GET', '/queues').then(function (queues) {
        var streams = queues.filter(function (q) { return q.type === 'stream'; });
        return Promise.all(streams.map(function (s) { return api('GET', '/stream-offsets/' + enc(s.vhost) + '/' + enc(s.name)); }))
          .then(function (offsets) {
            $('stream-list').innerHTML = streams.length === 0 ? 'No streams.' : streams.map(function (s, i) {
              return '<h3>' + esc(s.name) + ' <small>' + esc(s.vhost) + ', ' + esc(s.messages) + ' messages, publish ' + esc(rate(s.message_stats, 'publish')) + '/s</small></h3>' +
                (offsets[i].length === 0 ? '<p>No stored consumer offsets.</p>' : '<table><tr><th>Consumer</th><th class="num">Offset</th><th class="num">Lag</th></tr>' +
                offsets[i].map(function (o) {
                  return '<tr><td>' + esc(o.consumer) + '</td><td class="num">' + esc(o.offset) + '</td><td class="num">' + esc(o.lag) + '</td></tr>';
                }).join('') + '</table>');
            }).join('');
          });
      });
    }
  };

  // ---- scheduled messages ----

  // One page of each queue's schedule is shown; the cursor of the page shown is kept per queue ('' = the first).
  var SCHEDULED_PAGE = 20;
  var scheduledAfter = {};

  pages.scheduled = {
    render: function () {
      return '<div class="card"><h2>Scheduled messages</h2><p>Messages stored but waiting for their delivery time (x-opt-delivery-time / x-opt-delivery-delay), ' +
        'per queue in due-time order. Cancelling removes every message scheduled under that message-id.</p>' +
        '<div id="scheduled-list"></div></div>';
    },
    bind: function () {
      main.onclick = function (e) {
        var t = e.target;
        var key = t.dataset.vhost + '\u0000' + t.dataset.queue;
        if (t.dataset.cancel !== undefined) {
          act(api('DELETE', '/queues/' + enc(t.dataset.vhost) + '/' + enc(t.dataset.queue) + '/scheduled/' + enc(t.dataset.cancel)),
            'Cancelled the message with message-id ' + t.dataset.cancel + '.');
        } else if (t.dataset.after !== undefined) {
          scheduledAfter[key] = t.dataset.after;
          refresh();
        }
      };
    },
    refresh: function () {
      return api('GET', '/scheduled-messages').then(function (queues) {
        return Promise.all(queues.map(function (q) {
          var after = scheduledAfter[q.vhost + '\u0000' + q.queue] || '';
          return api('GET', '/queues/' + enc(q.vhost) + '/' + enc(q.queue) + '/scheduled?limit=' + SCHEDULED_PAGE + (after ? '&after=' + enc(after) : ''));
        })).then(function (pages) {
          $('scheduled-list').innerHTML = pages.length === 0 ? 'No scheduled messages.' : pages.map(function (p) {
            var data = ' data-vhost="' + esc(p.vhost) + '" data-queue="' + esc(p.queue) + '"';
            var first = scheduledAfter[p.vhost + '\u0000' + p.queue];
            return '<h3 data-scheduled-queue="' + esc(p.queue) + '">' + esc(p.queue) + ' <small>' + esc(p.vhost) + ', ' + esc(p.scheduled_count) + ' scheduled</small></h3>' +
              '<table><tr><th>Message-id</th><th>Due</th><th class="num">Offset</th><th class="num">Bytes</th><th></th></tr>' +
              p.messages.map(function (m) {
                return '<tr><td>' + esc(m.message_id == null ? '(none)' : m.message_id) + '</td><td>' + esc(new Date(m.delivery_time).toISOString()) +
                  '</td><td class="num">' + esc(m.offset) + '</td><td class="num">' + esc(m.size_bytes) + '</td><td>' +
                  (m.message_id == null ? '' : '<button class="danger"' + data + ' data-cancel="' + esc(m.message_id) + '">Cancel</button>') + '</td></tr>';
              }).join('') + '</table>' +
              (first ? '<button' + data + ' data-after="">First page</button> ' : '') +
              (p.next ? '<button' + data + ' data-after="' + esc(p.next) + '">Next page</button>' : '');
          }).join('');
        });
      }).catch(function (e) { $('scheduled-list').textContent = e.message; });
    }
  };

  // ---- users and permissions ----

  pages.users = {
    render: function () {
      return '<div class="card"><h2>Users</h2><table><thead><tr><th>Name</th><th>Tags</th><th></th></tr></thead><tbody id="user-rows"></tbody></table></div>' +
        '<form id="new-user" class="card"><h3>Add or change a user</h3><label>Name <input id="new-user-name" required></label>' +
        '<label>Password <input id="new-user-password" type="password" required></label>' +
        '<label>Tags <input id="new-user-tags" placeholder="administrator,management"></label><button type="submit">Save user</button></form>' +
        '<div class="card"><h2>Permissions</h2><table><thead><tr><th>User</th><th>Virtual host</th><th>Configure</th><th>Write</th><th>Read</th><th></th></tr></thead>' +
        '<tbody id="permission-rows"></tbody></table></div>' +
        '<form id="new-permission" class="card"><h3>Set a permission</h3><label>User <input id="perm-user" required></label>' +
        '<label>Virtual host <select id="perm-vhost"></select></label><label>Configure <input id="perm-configure" value=".*"></label>' +
        '<label>Write <input id="perm-write" value=".*"></label><label>Read <input id="perm-read" value=".*"></label><button type="submit">Set</button></form>';
    },
    bind: function () {
      fillVhosts('perm-vhost');
      $('new-user').onsubmit = function (e) {
        e.preventDefault();
        act(api('PUT', '/users/' + enc($('new-user-name').value), { password: $('new-user-password').value, tags: $('new-user-tags').value }), 'User saved.');
      };
      $('new-permission').onsubmit = function (e) {
        e.preventDefault();
        act(api('PUT', '/permissions/' + enc($('perm-vhost').value) + '/' + enc($('perm-user').value),
          { configure: $('perm-configure').value, write: $('perm-write').value, read: $('perm-read').value }), 'Permission set.');
      };
      main.onclick = function (e) {
        var t = e.target;
        if (t.dataset.deleteUser && confirm('Delete user ' + t.dataset.deleteUser + '?')) {
          act(api('DELETE', '/users/' + enc(t.dataset.deleteUser)), 'User deleted.');
        } else if (t.dataset.clearUser) {
          act(api('DELETE', '/permissions/' + enc(t.dataset.clearVhost) + '/' + enc(t.dataset.clearUser)), 'Permission cleared.');
        }
      };
    },
    refresh: function () {
      return Promise.all([api('GET', '/users'), api('GET', '/permissions')]).then(function (r) {
        $('user-rows').innerHTML = r[0].map(function (u) {
          return '<tr><td>' + esc(u.name) + '</td><td>' + esc(u.tags.join(', ')) + '</td><td><button class="danger" data-delete-user="' + esc(u.name) + '">Delete</button></td></tr>';
        }).join('');
        $('permission-rows').innerHTML = r[1].map(function (p) {
          return '<tr><td>' + esc(p.user) + '</td><td>' + esc(p.vhost) + '</td><td>' + esc(p.configure) + '</td><td>' + esc(p.write) + '</td><td>' + esc(p.read) +
            '</td><td><button class="danger" data-clear-user="' + esc(p.user) + '" data-clear-vhost="' + esc(p.vhost) + '">Clear</button></td></tr>';
        }).join('');
      }).catch(function (e) { $('user-rows').innerHTML = '<tr><td colspan="3">' + esc(e.message) + '</td></tr>'; });
    }
  };

  // ---- start ----

  if (sessionStorage.getItem('wharf-auth')) {
    api('GET', '/whoami').then(function (me) { $('whoami').textContent = me.name + ' (' + me.tags + ')'; start(); })
      .catch(function () { showLogin(''); });
  } else {
    showLogin('');
  }
})();
