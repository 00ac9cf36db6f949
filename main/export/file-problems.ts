// The sentences for a file an export could not write (issue 12), told once
// for the core's runner, the CLI and the Electron shell's save: a person
// reads what to do, not an errno. Free of the store and the writers, so the
// Electron main process imports only this.
import { dirname, join } from 'node:path'
import { errorCode } from '../store/error-code.ts'

/**
 * The sentence for a file-system failure while writing `target`, or null for an error that is
 * not about the file (its own message is kept then).
 */
export function fileProblem(error: unknown, target: string): string | null {
  const folder = dirname(target)
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return `Cannot write ${target}: this user may not write in ${folder}. Choose a folder you can write to.`
    case 'EROFS':
      return `Cannot write ${target}: ${folder} is on a read-only file system. Choose another folder.`
    case 'ENOENT':
      return `Cannot write ${target}: the folder ${folder} does not exist. Create it or choose another one.`
    case 'ENOTDIR':
      return `Cannot write ${target}: part of that path is a file, not a folder. Choose another folder.`
    case 'EISDIR':
      return `Cannot write ${target}: it is a folder. Give a file name, for example ${join(target, 'report.csv')}.`
    case 'ENOSPC':
    case 'EDQUOT':
      return `The disk holding ${folder} is full${errorCode(error) === 'EDQUOT' ? ' (this user is over its quota)' : ''}: the export was not written. Free some space or choose another disk, then export again.`
    case 'EFBIG':
      return `The export grew larger than the largest file this system lets this user write (a file size limit): it was not written. Choose fewer rows, or raise the limit.`
    default:
      return null
  }
}
