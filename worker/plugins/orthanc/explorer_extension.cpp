// SPDX-License-Identifier: Apache-2.0
#include "plugins/orthanc/explorer_extension.h"

namespace alveo::orthanc_plugin {

// Orthanc Explorer (1.10) is a jQuery Mobile application: pages are <div data-role="page"> elements
// whose markup is enhanced once ("pagebeforecreate") and shown many times ("pagebeforeshow"); the
// current resource's ID is $.mobile.pageData.uuid. Requests are relative to /app/explorer.html.
const char* ExplorerExtensionJs() {
  return R"JS(
// Alveo: analysis of chest studies (libAlveoOrthanc.so)
(function () {
  var OUTCOMES = {
    stored: 'report stored in this study',
    already_present: 'report already in this study',
    ignored: 'not analysed',
    nothing_to_report: 'nothing to report',
    error: 'failed'
  };

  function describe(result) {
    var text = 'Alveo: ' + (OUTCOMES[result.outcome] || result.outcome);
    if (result.result_status) text += ' (' + result.result_status.replace('_', ' ') + ')';
    if (result.detail) text += ': ' + result.detail;
    return text;
  }

  function showResult(uuid) {
    $('#alveo-result').text('Alveo: ...');
    $.ajax({
      url: '../alveo/status', dataType: 'json', cache: false,
      success: function (status) {
        var results = status.last_results || [];
        for (var i = 0; i < results.length; i++) {
          if (results[i].orthanc_id === uuid) {
            $('#alveo-result').text(describe(results[i]));
            return;
          }
        }
        $('#alveo-result').text(status.busy || status.queue_length > 0 ? 'Alveo: working' :
                                'Alveo: no result since Orthanc started');
      },
      error: function () { $('#alveo-result').text('Alveo: status unavailable'); }
    });
  }

  $('#study').live('pagebeforecreate', function () {
    var action = $('<li data-icon="search"></li>')
      .append($('<a href="#" id="alveo-analyze"></a>').text('Analyse with Alveo'));
    action.insertAfter($('#study-store').closest('li'));
    $('<li id="alveo-result" data-icon="false"></li>').text('Alveo: ...').insertAfter(action);
    $('#alveo-analyze').live('click', function () {
      var uuid = $.mobile.pageData && $.mobile.pageData.uuid;
      if (!uuid) return false;
      $.ajax({
        url: '../alveo/studies/' + uuid + '/analyze', type: 'POST', data: '{}', dataType: 'json',
        success: function () { $('#alveo-result').text('Alveo: queued'); },
        error: function () { $('#alveo-result').text('Alveo: the request was refused'); }
      });
      return false;
    });
  });

  $('#study').live('pagebeforeshow', function () {
    if ($.mobile.pageData && $.mobile.pageData.uuid) showResult($.mobile.pageData.uuid);
  });
})();
)JS";
}

}  // namespace alveo::orthanc_plugin
