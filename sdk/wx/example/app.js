// The mini program's app.js: where the example room page (room/room.js) finds the Lianmai server.
// wss:// on a domain registered as a socket domain in the mini program's admin console for production; ws:// works
// in the WeChat developer tools with "do not check domains" on.
App({
  globalData: {
    lianmaiServer: 'wss://rtc.example.com',
  },
})
