// Starts the built app with safe local defaults, so `npm start` needs no configuration.
// adapter-node reads ORIGIN, PORT and HOST from the environment (it does not read `.env`).
process.env.PORT ||= '3000';
process.env.ORIGIN ||= `http://localhost:${process.env.PORT}`;

let listening = false;

/** One line for the operator, then a non-zero exit: never a stack trace, never a hang. */
function stop(reason) {
	const message = reason instanceof Error ? reason.message : String(reason);
	const line = message.split('\n')[0];
	console.error(
		listening ? `Circlekeeper stopped: ${line}` : `Circlekeeper could not start: ${line}`
	);
	process.exit(1);
}

process.on('unhandledRejection', stop);

try {
	// Opens the database and applies migrations before it listens (the server's init hook).
	await import('../build/index.js');
} catch (e) {
	stop(e);
}
listening = true;
console.log(`Circlekeeper is listening on ${process.env.ORIGIN}`);
